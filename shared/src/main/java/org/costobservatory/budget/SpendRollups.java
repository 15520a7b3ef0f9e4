package org.costobservatory.budget;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.Calibration;
import org.costobservatory.pricing.PricedUsage;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.HourSpend;

/**
 * The rules behind the per-day spend rollups that {@link SpendCalculator} reads: which scopes a stored row counts
 * towards, and what counts as Priority Tier. Pure; the store writes what these rules say.
 * <ul>
 *   <li>A cost row counts towards the organisation and its workspace (the cost report has no API-key dimension).</li>
 *   <li>A usage row counts towards the organisation, its workspace and its API key; an API-key rollup remembers the
 *       key's workspace, so a budget naming both can check they agree.</li>
 *   <li>Priority Tier usage is never in the cost report, so its list-price cost is carried separately and added to
 *       settled days.</li>
 *   <li>Usage counts at its provisional estimate: the price learned from the bill where there is one, else list
 *       price. Priority Tier is never calibrated (the bill that prices are learned from has none of it), so it stays
 *       at list price, the same figure it keeps once its day settles.</li>
 * </ul>
 */
public final class SpendRollups {
    private SpendRollups() {
    }

    /** One scope's share of a cost day: the total and the same by model ("none" for costs without a model). */
    public record Settled(BigDecimal cents, Map<String, BigDecimal> byModel) {
        public static final Settled EMPTY = new Settled(BigDecimal.ZERO, Map.of());

        public Settled {
            byModel = Map.copyOf(byModel);
        }
    }

    /** One scope's share of a usage hour, by model; for an API-key scope also the key's workspace. */
    public record Hour(Map<String, HourSpend> byModel, Optional<String> workspaceId) {
        public static final Hour EMPTY = new Hour(Map.of(), Optional.empty());

        public Hour {
            byModel = Map.copyOf(byModel);
        }
    }

    /** True for tiers the cost report leaves out (Priority Tier, and its on-demand variant). */
    public static boolean absentFromCostReport(UsageRow row) {
        return row.serviceTier().startsWith("priority");
    }

    /** A usage line's cost: list price, and the provisional estimate (calibrated, except for Priority Tier). */
    public static PricedUsage estimate(UsagePricer pricer, UsageRow row, Calibration calibration) {
        return pricer.price(row, absentFromCostReport(row) ? Calibration.NONE : calibration);
    }

    /** The scopes a cost day's rows count towards, each with its share; scopes in first-seen order. */
    public static Map<SpendScope, Settled> settled(Iterable<CostRow> rows) {
        Map<SpendScope, BigDecimal> totals = new LinkedHashMap<>();
        Map<SpendScope, Map<String, BigDecimal>> byModel = new LinkedHashMap<>();
        for (CostRow row : rows) {
            for (SpendScope scope : List.of(SpendScope.ORG, SpendScope.workspace(row.workspaceId()))) {
                totals.merge(scope, row.amountCents(), BigDecimal::add);
                byModel.computeIfAbsent(scope, s -> new TreeMap<>()).merge(row.model(), row.amountCents(),
                        BigDecimal::add);
            }
        }
        Map<SpendScope, Settled> result = new LinkedHashMap<>();
        totals.forEach((scope, cents) -> result.put(scope, new Settled(cents, byModel.get(scope))));
        return result;
    }

    /** The scopes a usage hour's rows count towards, each with its share; scopes in first-seen order. */
    public static Map<SpendScope, Hour> usage(Iterable<PricedUsageRow> rows) {
        Map<SpendScope, Map<String, HourSpend>> byScope = new LinkedHashMap<>();
        Map<SpendScope, String> keyWorkspaces = new LinkedHashMap<>();
        for (PricedUsageRow priced : rows) {
            UsageRow row = priced.row();
            BigDecimal cents = priced.price().estimateCents();
            HourSpend spend = new HourSpend(cents, absentFromCostReport(row) ? cents : BigDecimal.ZERO,
                    priced.price().basis());
            SpendScope key = SpendScope.apiKey(row.apiKeyId());
            for (SpendScope scope : List.of(SpendScope.ORG, SpendScope.workspace(row.workspaceId()), key)) {
                byScope.computeIfAbsent(scope, s -> new TreeMap<>()).merge(row.model(), spend, HourSpend::plus);
            }
            keyWorkspaces.put(key, row.workspaceId());
        }
        Map<SpendScope, Hour> result = new LinkedHashMap<>();
        byScope.forEach((scope, models) -> result.put(scope, new Hour(models,
                Optional.ofNullable(keyWorkspaces.get(scope)))));
        return result;
    }
}
