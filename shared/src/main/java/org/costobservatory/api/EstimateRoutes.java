package org.costobservatory.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.costobservatory.domain.ClientEstimate;
import org.costobservatory.json.Json;
import org.costobservatory.log.Log;
import org.costobservatory.store.EstimateStore;

/**
 * {@code POST /v1/estimates}: client-side cost estimates as JSON Lines ({@link EstimateLines}). All or nothing: every
 * line is checked before anything is stored. Storing the same records again changes nothing. Estimates never count
 * towards spend; reconciliation sets them against the bill.
 */
public final class EstimateRoutes {
    static final String PATH = "/v1/estimates";
    private static final Log LOG = Log.get(EstimateRoutes.class);

    private final EstimateStore estimates;
    private final Clock clock;

    public EstimateRoutes(EstimateStore estimates, Clock clock) {
        this.estimates = Objects.requireNonNull(estimates);
        this.clock = Objects.requireNonNull(clock);
    }

    public Optional<ApiResponse> handle(ApiRequest request) {
        if (!PATH.equals(request.path())) {
            return Optional.empty();
        }
        if (!"POST".equals(request.method())) {
            return Optional.of(BudgetRoutes.methodNotAllowed("POST"));
        }
        try {
            QueryParameters.parse(request.rawQuery(), Set.of());
            if (request.body().length == 0) {
                throw new BadRequest("the body must be JSON Lines, one estimate per line, e.g. "
                        + "{\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": 0.42, \"run_id\": \"run-1\"}");
            }
            List<ClientEstimate> records = EstimateLines.parse(request.body(), clock.instant());
            estimates.putAll(records);
            TreeSet<LocalDate> days = new TreeSet<>();
            Set<String> distinct = new TreeSet<>();
            for (ClientEstimate record : records) {
                days.add(record.date());
                distinct.add(record.date() + "#" + record.identity());
            }
            LOG.info("client estimates stored", "records", records.size(), "distinct", distinct.size(), "from",
                    days.first(), "to", days.last());
            ObjectNode root = Json.mapper().createObjectNode();
            root.put("received", records.size());
            root.put("stored", distinct.size());
            root.put("from", days.first().toString());
            root.put("to", days.last().toString());
            return Optional.of(ApiResponse.json(200, root));
        } catch (BadRequest e) {
            return Optional.of(ApiResponse.invalid(e.getMessage()));
        }
    }
}
