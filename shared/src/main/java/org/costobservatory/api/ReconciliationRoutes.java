package org.costobservatory.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.costobservatory.domain.Money;
import org.costobservatory.json.Json;
import org.costobservatory.report.Csv;
import org.costobservatory.report.Reconciliation;

/**
 * {@code GET /v1/reconciliation?from=D&to=D&group_by=day|model|token_type|workspace[&format=csv]}: each estimate
 * against the bill for settled days. Same error shape and rules as the report exports: a bounded range, strict
 * query parameters, 400 naming the parameter.
 */
public final class ReconciliationRoutes {
    static final String PATH = "/v1/reconciliation";

    private final Reconciliation reconciliation;

    public ReconciliationRoutes(Reconciliation reconciliation) {
        this.reconciliation = Objects.requireNonNull(reconciliation);
    }

    public Optional<ApiResponse> handle(ApiRequest request) {
        if (!PATH.equals(request.path())) {
            return Optional.empty();
        }
        if (!"GET".equals(request.method())) {
            return Optional.of(BudgetRoutes.methodNotAllowed("GET"));
        }
        try {
            return Optional.of(reconcile(request));
        } catch (BadRequest e) {
            return Optional.of(ApiResponse.invalid(e.getMessage()));
        }
    }

    private ApiResponse reconcile(ApiRequest request) {
        QueryParameters query = QueryParameters.parse(request.rawQuery(), Set.of("from", "to", "group_by", "format"));
        LocalDate from = query.date("from");
        LocalDate to = query.date("to");
        if (to.isBefore(from)) {
            throw new BadRequest("to (" + to + ") is before from (" + from + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > Reconciliation.MAX_DAYS) {
            throw new BadRequest("a reconciliation covers at most " + Reconciliation.MAX_DAYS + " days");
        }
        Reconciliation.GroupBy groupBy;
        try {
            groupBy = Reconciliation.GroupBy.parse(query.get("group_by").orElse("day"));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        String format = query.get("format").orElse("json");
        if (!format.equals("json") && !format.equals("csv")) {
            throw new BadRequest("format must be json or csv");
        }
        Reconciliation.Result result = reconciliation.build(from, to, groupBy);
        if (format.equals("csv")) {
            String filename = "reconciliation-" + from + "-" + to + "-by-" + groupBy.id() + ".csv";
            return new ApiResponse(200, Map.of("content-type", "text/csv; charset=utf-8", "cache-control", "no-store",
                    "content-disposition", "attachment; filename=\"" + filename + "\""),
                    csv(result).getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("report", "reconciliation");
        root.put("from", from.toString());
        root.put("to", to.toString());
        root.put("group_by", groupBy.id());
        root.put("currency", "USD");
        root.put("settled_through", result.settledThrough().map(LocalDate::toString).orElse(null));
        ArrayNode rows = root.putArray("rows");
        result.lines().forEach(line -> line(rows.addObject(), line));
        line(root.putObject("total"), result.total());
        ArrayNode missing = root.putArray("missing_days");
        result.missingDays().forEach(day -> missing.add(day.toString()));
        ArrayNode without = root.putArray("days_without_provisional");
        result.daysWithoutProvisional().forEach(day -> without.add(day.toString()));
        return ApiResponse.json(200, root);
    }

    /** One line: each figure in USD (two decimals) and exact cents; null where there is no such estimate. */
    static void line(ObjectNode node, Reconciliation.Line line) {
        node.put("key", line.key());
        node.put("name", line.name());
        amount(node, "billed", Optional.of(line.billedCents()));
        amount(node, "list_estimate", line.listCents());
        amount(node, "provisional", line.provisionalCents());
        amount(node, "client", line.clientCents());
        ObjectNode drift = node.putObject("drift_percent");
        percent(drift, "list_estimate", line.listDrift());
        percent(drift, "provisional", line.provisionalDrift());
        percent(drift, "client", line.clientDrift());
    }

    private static void amount(ObjectNode node, String name, Optional<BigDecimal> cents) {
        if (cents.isPresent()) {
            node.put(name + "_usd", Money.centsToRoundedUsd(cents.get()));
            node.put(name + "_cents", Money.plain(cents.get()));
        } else {
            node.putNull(name + "_usd");
            node.putNull(name + "_cents");
        }
    }

    private static void percent(ObjectNode node, String name, Optional<BigDecimal> value) {
        if (value.isPresent()) {
            node.put(name, value.get());
        } else {
            node.putNull(name);
        }
    }

    private static String csv(Reconciliation.Result result) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(result.groupBy().id(), "name", "billed_usd", "list_estimate_usd", "provisional_usd",
                "client_usd", "list_estimate_drift_percent", "provisional_drift_percent", "client_drift_percent",
                "billed_cents", "list_estimate_cents", "provisional_cents", "client_cents"));
        for (Reconciliation.Line line : result.lines()) {
            rows.add(List.of(line.key(), line.name(), usd(Optional.of(line.billedCents())), usd(line.listCents()),
                    usd(line.provisionalCents()), usd(line.clientCents()), text(line.listDrift()),
                    text(line.provisionalDrift()), text(line.clientDrift()), Money.plain(line.billedCents()),
                    cents(line.listCents()), cents(line.provisionalCents()), cents(line.clientCents())));
        }
        return Csv.table(rows);
    }

    private static String usd(Optional<BigDecimal> cents) {
        return cents.map(c -> Money.centsToRoundedUsd(c).toPlainString()).orElse("");
    }

    private static String cents(Optional<BigDecimal> cents) {
        return cents.map(Money::plain).orElse("");
    }

    private static String text(Optional<BigDecimal> value) {
        return value.map(BigDecimal::toPlainString).orElse("");
    }

}
