package org.costobservatory.testing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.costobservatory.budget.SpendRollups;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.RunInfo;
import org.costobservatory.wiring.Components;

/**
 * Stores constructed usage hours and cost days through the real report store (rows, headers and rollups, exactly as
 * the ingest jobs do), the cost day being the day's stored usage at list price as the bill would show it (Priority
 * Tier left out), and sets the watermarks.
 */
public final class SeededTable {
    private final Components components;
    private final Instant runAt;
    private final Map<LocalDate, List<PricedUsageRow>> stored = new java.util.HashMap<>();

    public SeededTable(Components components, Instant runAt) {
        this.components = components;
        this.runAt = runAt;
    }

    /** Stores one usage hour, each row priced by the components' pricer. */
    public void usageHour(Instant hour, List<UsageRow> rows) {
        List<PricedUsageRow> priced = new ArrayList<>();
        for (UsageRow row : rows) {
            priced.add(new PricedUsageRow(row, components.pricer().price(row)));
        }
        stored.computeIfAbsent(hour.atOffset(ZoneOffset.UTC).toLocalDate(), d -> new ArrayList<>()).addAll(priced);
        components.reports().replaceUsageHour(hour, priced, RunInfo.scheduled(ReportKind.USAGE, runAt, runAt));
    }

    /**
     * Stores {@code day}'s cost report: one line per workspace, model and tier, from the usage hours this seeder
     * stored for the day.
     */
    public void settle(LocalDate day) {
        Map<String, CostRow> lines = new LinkedHashMap<>();
        for (PricedUsageRow priced : stored.getOrDefault(day, List.of())) {
            UsageRow row = priced.row();
            if (SpendRollups.absentFromCostReport(row)) {
                continue;
            }
            CostRow line = new CostRow(day, row.workspaceId(), row.model() + " " + row.serviceTier(), "tokens",
                    row.model(), row.serviceTier(), null, row.contextWindow(), "not_available", "USD",
                    priced.price().cents());
            lines.merge(line.key(), line, (a, b) -> a.withAmountCents(a.amountCents().add(b.amountCents())));
        }
        components.reports().replaceCostDay(new CostDay(day, new ArrayList<>(lines.values())),
                RunInfo.scheduled(ReportKind.COST, runAt, runAt));
    }

    /**
     * The cost report stored through {@code settledThrough} by a run whose window started at {@code windowFrom}, and
     * usage through {@code usageThrough}.
     */
    public void watermarks(LocalDate windowFrom, LocalDate settledThrough, Instant usageThrough) {
        Instant costThrough = settledThrough.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        components.watermarks().advance(ReportKind.COST, costThrough, costThrough);
        components.watermarks().recordSuccess(ReportKind.COST, windowFrom.atStartOfDay(ZoneOffset.UTC).toInstant(),
                costThrough, "cost/seeded", runAt);
        components.watermarks().advance(ReportKind.USAGE, usageThrough, usageThrough);
        components.watermarks().recordSuccess(ReportKind.USAGE, usageThrough.minusSeconds(3600), usageThrough,
                "usage/seeded", runAt);
    }

    /** A usage row without web search. */
    public static UsageRow row(Instant hour, String workspace, String key, String model, String tier, long uncached,
                               long cacheRead, long write5m, long write1h, long output) {
        return new UsageRow(hour, workspace, key, model, tier, "0-200k", uncached, cacheRead, write5m, write1h, output,
                0);
    }

    /** Whole cents of a list of amounts (for assertions). */
    public static BigDecimal sum(List<BigDecimal> amounts) {
        return amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
