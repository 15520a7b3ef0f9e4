package org.costobservatory.api;

import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.costobservatory.insight.Insights;
import org.costobservatory.store.AnomalyStore;

/**
 * {@code GET /v1/insights} (who spends, what would be cheaper) and {@code GET /v1/anomalies} (unusual days and why).
 * Both read a bounded range, refused with a 400 beyond it: they are report routes, served by the reports function.
 */
public final class InsightRoutes {
    /** The longest range of anomaly days one request lists: one Query of at most this many small items. */
    public static final int MAX_ANOMALY_DAYS = 92;
    static final Set<String> ANOMALY_KINDS = Set.of("workspace", "api_key", "model");

    private final Insights insights;
    private final AnomalyStore anomalies;
    private final Clock clock;

    public InsightRoutes(Insights insights, AnomalyStore anomalies, Clock clock) {
        this.insights = Objects.requireNonNull(insights);
        this.anomalies = Objects.requireNonNull(anomalies);
        this.clock = Objects.requireNonNull(clock);
    }

    public Optional<ApiResponse> handle(ApiRequest request) {
        try {
            return switch (request.path()) {
                case "/v1/insights" -> Optional.of(BudgetRoutes.only("GET", request, () -> insights(request)));
                case "/v1/anomalies" -> Optional.of(BudgetRoutes.only("GET", request, () -> anomalies(request)));
                default -> Optional.empty();
            };
        } catch (BadRequest | IllegalArgumentException e) {
            return Optional.of(ApiResponse.invalid(e.getMessage()));
        }
    }

    private ApiResponse insights(ApiRequest request) {
        QueryParameters query = QueryParameters.parse(request.rawQuery(), Set.of("from", "to", "scope"));
        LocalDate from = query.date("from");
        LocalDate to = query.date("to");
        Optional<Insights.Scope> scope = query.get("scope").map(Insights.Scope::parse);
        return ApiResponse.json(200, InsightJson.insights(insights.build(from, to, scope)));
    }

    private ApiResponse anomalies(ApiRequest request) {
        QueryParameters query = QueryParameters.parse(request.rawQuery(), Set.of("from", "to", "kind"));
        LocalDate from = query.date("from");
        LocalDate to = query.date("to");
        Optional<String> kind = query.get("kind");
        if (kind.isPresent() && !ANOMALY_KINDS.contains(kind.get())) {
            throw new BadRequest("kind must be workspace, api_key or model");
        }
        checkRange(from, to, MAX_ANOMALY_DAYS, "anomalies");
        List<AnomalyStore.AnomalyDay> days = anomalies.days(from, to);
        return ApiResponse.json(200, InsightJson.anomalies(from, to, days, kind, clock.instant()));
    }

    static void checkRange(LocalDate from, LocalDate to, int maxDays, String what) {
        if (to.isBefore(from)) {
            throw new BadRequest("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > maxDays) {
            throw new BadRequest(what + " cover at most " + maxDays + " days (asked for " + days + ")");
        }
    }


}
