package org.costobservatory.local.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.costobservatory.budget.SpendCalculator;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetPreset;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.Money;

/**
 * Budgets for the demo organisation, sized from what it has spent so far so that every screen has something to
 * show: one comfortable, one near its warning level, one over its limit (with alerts), one estimated API-key budget
 * and an Agent SDK credit pool.
 */
public final class DemoBudgets {
    private record Plan(String name, BudgetPeriod period, ZoneId zone, BudgetScope scope, String targetPercent) {
    }

    private DemoBudgets() {
    }

    public static List<Budget> sized(SpendCalculator calculator, Instant now) {
        List<Plan> plans = List.of(
                new Plan("org-monthly", BudgetPeriod.MONTHLY, ZoneOffset.UTC, BudgetScope.ORGANISATION, "62"),
                new Plan("research-opus", BudgetPeriod.MONTHLY, ZoneOffset.UTC, new BudgetScope(
                        Optional.of(DemoOrganisation.RESEARCH), Optional.empty(), Optional.of("claude-opus")), "104"),
                new Plan("support-bot-weekly", BudgetPeriod.WEEKLY, ZoneId.of("Europe/Berlin"), new BudgetScope(
                        Optional.of(DemoOrganisation.SUPPORT), Optional.empty(), Optional.empty()), "78"),
                new Plan("batch-runner-key", BudgetPeriod.MONTHLY, ZoneOffset.UTC, new BudgetScope(Optional.empty(),
                        Optional.of("apikey_01DemoBatchRunner0000"), Optional.empty()), "45"));
        List<Budget> budgets = new ArrayList<>();
        for (Plan plan : plans) {
            Budget probe = budget(plan.name(), BigDecimal.ONE, plan.period(), plan.zone(), plan.scope(),
                    Optional.empty(), Optional.empty());
            BigDecimal spent = Money.centsToUsd(calculator.spend(probe, now).totalCents());
            BigDecimal limit = spent.multiply(BigDecimal.valueOf(100))
                    .divide(new BigDecimal(plan.targetPercent()), 0, RoundingMode.CEILING).max(BigDecimal.TEN);
            budgets.add(budget(plan.name(), limit, plan.period(), plan.zone(), plan.scope(), Optional.empty(),
                    Optional.empty()));
        }
        budgets.add(budget("sdk-team-pool", BudgetPreset.AGENT_SDK_TEAM.limitUsd(5), BudgetPeriod.MONTHLY,
                ZoneOffset.UTC, new BudgetScope(Optional.of("default"), Optional.empty(), Optional.empty()),
                Optional.of(BudgetPreset.AGENT_SDK_TEAM.id()), Optional.of(5)));
        return budgets;
    }

    private static Budget budget(String name, BigDecimal limit, BudgetPeriod period, ZoneId zone, BudgetScope scope,
                                 Optional<String> preset, Optional<Integer> seats) {
        ZoneId id = zone instanceof ZoneOffset ? ZoneId.of("UTC") : zone;
        return new Budget(name, limit, period, id, scope, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT,
                preset, seats, Optional.empty());
    }
}
