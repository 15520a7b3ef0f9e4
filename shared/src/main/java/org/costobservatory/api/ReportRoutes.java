package org.costobservatory.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.json.Json;
import org.costobservatory.log.HandledFailures;
import org.costobservatory.report.Csv;
import org.costobservatory.report.DashboardData;
import org.costobservatory.report.Grouping;
import org.costobservatory.report.InvalidReportRequest;
import org.costobservatory.report.Report;
import org.costobservatory.report.ReportLine;
import org.costobservatory.report.Reports;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;

/** The dashboard ({@code GET /}), health, and the cost and usage exports. */
public final class ReportRoutes {
    /** The page loads nothing from anywhere: inline styles and SVG only. */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

    private final Reports reports;
    private final DashboardData dashboard;
    private final WatermarkStore watermarks;
    private final Clock clock;
    private final Duration staleAfter;

    public ReportRoutes(Reports reports, DashboardData dashboard, WatermarkStore watermarks, Clock clock,
                      Duration staleAfter) {
        this.reports = Objects.requireNonNull(reports);
        this.dashboard = Objects.requireNonNull(dashboard);
        this.watermarks = Objects.requireNonNull(watermarks);
        this.clock = Objects.requireNonNull(clock);
        this.staleAfter = Objects.requireNonNull(staleAfter);
    }

    public Optional<ApiResponse> handle(ApiRequest request) {
        try {
            return switch (request.path()) {
                case "/", "/dashboard" -> Optional.of(BudgetRoutes.only("GET", request, () -> page(request)));
                case "/v1/health" -> Optional.of(BudgetRoutes.only("GET", request, () -> health(request)));
                case "/v1/reports/costs" -> Optional.of(BudgetRoutes.only("GET", request, () -> report(request, true)));
                case "/v1/reports/usage" ->
                        Optional.of(BudgetRoutes.only("GET", request, () -> report(request, false)));
                default -> Optional.empty();
            };
        } catch (BadRequest | InvalidReportRequest e) {
            return Optional.of(ApiResponse.invalid(e.getMessage()));
        }
        // Anything else (a stored item that cannot be read, say) is internal: the router answers 500 without its text.
    }

    private ApiResponse page(ApiRequest request) {
        QueryParameters.parse(request.rawQuery(), Set.of());
        byte[] html = DashboardPage.render(dashboard.build()).getBytes(StandardCharsets.UTF_8);
        return new ApiResponse(200, Map.of("content-type", "text/html; charset=utf-8", "cache-control", "no-store",
                "content-security-policy", CONTENT_SECURITY_POLICY, "x-content-type-options", "nosniff",
                "referrer-policy", "no-referrer"), html);
    }

    private ApiResponse health(ApiRequest request) {
        QueryParameters.parse(request.rawQuery(), Set.of());
        Instant now = clock.instant();
        Optional<Watermark> cost = watermarks.get(ReportKind.COST);
        Optional<Watermark> usage = watermarks.get(ReportKind.USAGE);
        boolean stale = usage.map(u -> Duration.between(u.storedThrough(), now).compareTo(staleAfter) > 0)
                .orElse(true);
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("status", stale ? "stale" : "ok");
        root.put("now", now.toString());
        root.put("stale_after_minutes", staleAfter.toMinutes());
        ObjectNode reportsNode = root.putObject("reports");
        describe(reportsNode.putObject("cost"), cost, true);
        describe(reportsNode.putObject("usage"), usage, false);
        // failures handled by design in this process (each also logged where it happened)
        ObjectNode handled = root.putObject("failures_handled");
        HandledFailures.snapshot().forEach(handled::put);
        return ApiResponse.json(200, root);
    }

    private static void describe(ObjectNode node, Optional<Watermark> mark, boolean cost) {
        if (mark.isEmpty()) {
            node.putNull("stored_through");
            node.putNull("last_success_at");
            return;
        }
        Watermark watermark = mark.get();
        node.put("stored_through", watermark.storedThrough().toString());
        if (cost) {
            node.put("settled_through", watermark.settledThrough().toString());
        }
        node.put("last_success_at", watermark.lastSuccessAt().map(Instant::toString).orElse(null));
        ObjectNode window = node.putObject("last_window");
        window.put("from", watermark.lastWindowFrom().map(Instant::toString).orElse(null));
        window.put("to", watermark.lastWindowTo().map(Instant::toString).orElse(null));
        node.put("last_run_id", watermark.lastRunId().orElse(null));
    }

    private ApiResponse report(ApiRequest request, boolean cost) {
        QueryParameters query = QueryParameters.parse(request.rawQuery(), Set.of("from", "to", "group_by", "format"));
        LocalDate from = query.date("from");
        LocalDate to = query.date("to");
        Grouping groupBy = Grouping.parse(query.get("group_by").orElse("day"), cost);
        String format = query.get("format").orElse("json");
        if (!format.equals("json") && !format.equals("csv")) {
            throw new BadRequest("format must be json or csv");
        }
        Report report = cost ? reports.costs(from, to, groupBy) : reports.usage(from, to, groupBy);
        if (format.equals("csv")) {
            String filename = report.kind() + "-" + from + "-" + to + "-by-" + groupBy.id() + ".csv";
            return new ApiResponse(200, Map.of("content-type", "text/csv; charset=utf-8", "cache-control", "no-store",
                    "content-disposition", "attachment; filename=\"" + filename + "\""),
                    Csv.render(report).getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("report", report.kind());
        root.put("from", from.toString());
        root.put("to", to.toString());
        root.put("group_by", groupBy.id());
        root.put("currency", "USD");
        root.put("basis", cost ? "cost_report" : "usage_at_list_price");
        root.put("settled_through", report.settledThrough().map(LocalDate::toString).orElse(null));
        ArrayNode lines = root.putArray("rows");
        for (ReportLine line : report.lines()) {
            ObjectNode item = lines.addObject();
            item.put("key", line.key());
            item.put("name", line.name());
            if (!cost) {
                Report.USAGE_COUNTS.forEach(count -> item.put(count, line.counts().getOrDefault(count, 0L)));
            }
            item.put("amount_usd", Money.centsToRoundedUsd(line.amountCents()));
            item.put("amount_cents", line.amountCents().toPlainString());
        }
        root.put("total_usd", Money.centsToRoundedUsd(report.totalCents()));
        root.put("total_cents", report.totalCents().toPlainString());
        ArrayNode missing = root.putArray("missing_days");
        report.missingDays().forEach(day -> missing.add(day.toString()));
        return ApiResponse.json(200, root);
    }


}
