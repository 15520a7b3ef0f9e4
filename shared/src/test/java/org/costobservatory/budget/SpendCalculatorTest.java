package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.HourSpend;
import org.junit.jupiter.api.Test;

class SpendCalculatorTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    private static Budget budget(String limit, String zone, BudgetScope scope) {
        return new Budget("b", new BigDecimal(limit), BudgetPeriod.MONTHLY, ZoneId.of(zone), scope,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static DailySpend day(String date, String settledCents, Map<String, BigDecimal> settledByModel,
                                  Map<Integer, Map<String, HourSpend>> hours) {
        return new DailySpend(LocalDate.parse(date), SpendScope.ORG,
                settledCents == null ? Optional.empty() : Optional.of(new BigDecimal(settledCents)), settledByModel,
                hours, Optional.empty());
    }

    private static HourSpend usage(String cents) {
        return new HourSpend(new BigDecimal(cents), BigDecimal.ZERO, false);
    }

    private static Spend calculate(Budget budget, List<DailySpend> days, String settledThrough, String dataAsOf) {
        Map<LocalDate, DailySpend> byDate = new HashMap<>();
        days.forEach(d -> byDate.put(d.date(), d));
        return SpendCalculator.calculate(budget, budget.currentPeriod(NOW), byDate,
                Optional.ofNullable(settledThrough).map(LocalDate::parse),
                Optional.ofNullable(dataAsOf).map(Instant::parse));
    }

    @Test
    void settledDaysComeFromTheCostReportAndLaterHoursFromUsage() {
        // GIVEN two settled days and today's usage (which the cost report does not have yet)
        Budget budget = budget("100", "UTC", BudgetScope.ORGANISATION);
        List<DailySpend> days = List.of(
                day("2026-11-22", "2500", Map.of(), Map.of(3, Map.of("claude-opus-4-6", usage("2400")))),
                day("2026-11-23", "1000.5", Map.of(), Map.of()),
                day("2026-11-24", null, Map.of(), Map.of(8, Map.of("claude-opus-4-6", usage("300")),
                        9, Map.of("claude-haiku-4-5", usage("12.25")))));

        Spend spend = calculate(budget, days, "2026-11-23", "2026-11-24T10:00:00Z");

        // THEN settled is the cost report exactly (usage of settled days is not counted twice)
        assertThat(spend.settledCents()).isEqualByComparingTo("3500.5");
        assertThat(spend.provisionalCents()).isEqualByComparingTo("312.25");
        assertThat(spend.basis()).isEqualTo(Spend.BASIS_COST_REPORT);
        assertThat(spend.apportioned()).isFalse();
    }

    @Test
    void priorityTierUsageIsAddedToSettledDaysBecauseTheCostReportOmitsIt() {
        Budget budget = budget("100", "UTC", BudgetScope.ORGANISATION);
        HourSpend withPriority = new HourSpend(new BigDecimal("500"), new BigDecimal("177.5"), false);
        Spend spend = calculate(budget, List.of(day("2026-11-20", "1000", Map.of(),
                Map.of(14, Map.of("claude-opus-4-6", withPriority)))), "2026-11-23", "2026-11-24T10:00:00Z");
        assertThat(spend.settledCents()).isEqualByComparingTo("1177.5");
        assertThat(spend.priorityCents()).isEqualByComparingTo("177.5");
        assertThat(spend.provisionalCents()).isEqualByComparingTo("0");
    }

    @Test
    void modelPrefixScopesCountOnlyMatchingModels() {
        Budget budget = budget("100", "UTC", new BudgetScope(Optional.empty(), Optional.empty(),
                Optional.of("claude-opus")));
        List<DailySpend> days = List.of(
                day("2026-11-22", "900", Map.of("claude-opus-4-6", new BigDecimal("600"),
                        "claude-haiku-4-5", new BigDecimal("200"), "none", new BigDecimal("100")), Map.of()),
                day("2026-11-24", null, Map.of(), Map.of(1, Map.of("claude-opus-4-8", usage("50"),
                        "claude-sonnet-4-6", usage("70")))));
        Spend spend = calculate(budget, days, "2026-11-23", "2026-11-24T10:00:00Z");
        assertThat(spend.settledCents()).isEqualByComparingTo("600");
        assertThat(spend.provisionalCents()).isEqualByComparingTo("50");
    }

    @Test
    void apiKeyBudgetsAreEstimatedFromUsageOnly() {
        Budget budget = budget("100", "UTC", new BudgetScope(Optional.empty(), Optional.of("apikey_1"),
                Optional.empty()));
        Spend spend = calculate(budget, List.of(day("2026-11-22", null, Map.of(),
                Map.of(3, Map.of("claude-opus-4-6", usage("250"))))), null, "2026-11-24T10:00:00Z");
        assertThat(spend.basis()).isEqualTo(Spend.BASIS_ESTIMATED);
        assertThat(spend.settledCents()).isEqualByComparingTo("0");
        assertThat(spend.provisionalCents()).isEqualByComparingTo("250");
        assertThat(spend.settledThrough()).isEmpty();
    }

    @Test
    void aNonUtcPeriodSplitsItsEdgeDaysByHourlyUsage() {
        // GIVEN a New York monthly budget: November starts 2026-11-01T04:00Z, so UTC Nov 1 is partly inside
        Budget budget = budget("100", "America/New_York", BudgetScope.ORGANISATION);
        // Nov 1 UTC: settled 1000c; usage 100c in hour 02 (outside) and 300c in hour 10 (inside)
        List<DailySpend> days = List.of(day("2026-11-01", "1000", Map.of(),
                Map.of(2, Map.of("claude-opus-4-6", usage("100")), 10, Map.of("claude-opus-4-6", usage("300")))),
                // Oct 31 UTC is entirely before the period and must not count
                day("2026-10-31", "5000", Map.of(), Map.of()));
        Spend spend = calculate(budget, days, "2026-11-23", "2026-11-24T10:00:00Z");

        // THEN three quarters of the day's bill counts, and the answer says it was apportioned
        assertThat(spend.settledCents()).isEqualByComparingTo("750");
        assertThat(spend.apportioned()).isTrue();
    }

    @Test
    void aPartialDayWithoutUsageIsSplitByHours() {
        Budget budget = budget("100", "America/New_York", BudgetScope.ORGANISATION);
        Spend spend = calculate(budget, List.of(day("2026-11-01", "2400", Map.of(), Map.of())), "2026-11-23",
                "2026-11-24T10:00:00Z");
        // 20 of 24 hours of UTC Nov 1 are inside the New York month
        assertThat(spend.settledCents()).isEqualByComparingTo("2000");
    }

    @Test
    void halfHourOffsetsCountHalfAnHour() {
        // India is UTC+05:30: the month starts 2026-10-31T18:30Z, so half of hour 18 of Oct 31 is inside
        Budget budget = budget("100", "Asia/Kolkata", BudgetScope.ORGANISATION);
        Spend spend = calculate(budget, List.of(day("2026-10-31", null, Map.of(),
                Map.of(18, Map.of("claude-opus-4-6", usage("60")), 17, Map.of("claude-opus-4-6", usage("1000"))))),
                null, "2026-11-24T10:00:00Z");
        assertThat(spend.provisionalCents()).isEqualByComparingTo("30");
    }

    @Test
    void unpricedModelsAreListed() {
        Budget budget = budget("100", "UTC", BudgetScope.ORGANISATION);
        HourSpend unknown = new HourSpend(new BigDecimal("80"), BigDecimal.ZERO, true);
        Spend spend = calculate(budget, List.of(day("2026-11-24", null, Map.of(),
                Map.of(1, Map.of("claude-nova-9", unknown)))), "2026-11-23", "2026-11-24T10:00:00Z");
        assertThat(spend.unpricedModels()).containsExactly("claude-nova-9");
        assertThat(spend.provisionalCents()).isEqualByComparingTo("80");
    }

    @Test
    void headroomRoundsToCentsAndKeepsSpentEqualToItsParts() {
        Budget budget = budget("100", "UTC", BudgetScope.ORGANISATION);
        Spend spend = new Spend(budget.currentPeriod(NOW), new BigDecimal("7000.4"), BigDecimal.ZERO,
                new BigDecimal("511.7"), Optional.of(LocalDate.parse("2026-11-23")),
                Optional.of(Instant.parse("2026-11-24T10:00:00Z")), Spend.BASIS_COST_REPORT, List.of(), false);
        HeadroomAnswer answer = HeadroomService.decide(budget, spend, BigDecimal.ZERO, NOW, Duration.ofHours(3));
        assertThat(answer.spentUsd()).isEqualByComparingTo("75.12");
        assertThat(answer.settledUsd().add(answer.provisionalUsd())).isEqualByComparingTo(answer.spentUsd());
        assertThat(answer.remainingUsd()).isEqualByComparingTo("24.88");
        assertThat(answer.percentUsed()).isEqualByComparingTo("75.12");
        assertThat(answer.thresholdsCrossed()).containsExactly(new BigDecimal("50"), new BigDecimal("75"));
        assertThat(answer.decision()).isEqualTo(Decision.WARN);
    }

    @Test
    void theDailyAndPerModelBreakdownsAddUpToTheTotals() {
        Budget budget = budget("100", "America/New_York", BudgetScope.ORGANISATION);
        List<DailySpend> days = List.of(
                day("2026-11-01", "1000", Map.of("claude-opus-4-6", new BigDecimal("600"),
                        "none", new BigDecimal("400")), Map.of(2, Map.of("claude-opus-4-6", usage("100")),
                        10, Map.of("claude-opus-4-6", usage("300")))),
                day("2026-11-24", null, Map.of(), Map.of(8, Map.of("claude-haiku-4-5", usage("12.5")))));
        Spend spend = calculate(budget, days, "2026-11-23", "2026-11-24T10:00:00Z");

        BigDecimal byDay = spend.days().stream().map(Spend.DaySpend::totalCents).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        BigDecimal byModel = spend.byModelCents().values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(byDay).isEqualByComparingTo(spend.totalCents()).isEqualByComparingTo("762.5");
        assertThat(byModel).isEqualByComparingTo(spend.totalCents());
        assertThat(spend.byModelCents().get("claude-opus-4-6")).isEqualByComparingTo("450");
        assertThat(spend.byModelCents().get("none")).isEqualByComparingTo("300");
        assertThat(spend.days()).extracting(Spend.DaySpend::date).containsExactly(LocalDate.parse("2026-11-01"),
                LocalDate.parse("2026-11-24"));
    }

    @Test
    void aBudgetNamingAKeyAndAWorkspaceCountsTheKeyOnlyWhileItIsInThatWorkspace() {
        // GIVEN a key's rollups: a day in workspace A, a day after it moved to B, a day whose workspace is unknown
        List<DailySpend> days = List.of(keyDay("2026-11-20", "wrkspc_A", "400"), keyDay("2026-11-21", "wrkspc_B",
                "900"), keyDay("2026-11-22", null, "50"));

        // THEN a budget on the key in A counts A and the unknown day; the key alone counts all three
        Budget keyInA = budget("100", "UTC", new BudgetScope(Optional.of("wrkspc_A"), Optional.of("apikey_1"),
                Optional.empty()));
        assertThat(calculate(keyInA, days, null, "2026-11-24T10:00:00Z").provisionalCents())
                .isEqualByComparingTo("450");
        Budget key = budget("100", "UTC", new BudgetScope(Optional.empty(), Optional.of("apikey_1"),
                Optional.empty()));
        assertThat(calculate(key, days, null, "2026-11-24T10:00:00Z").provisionalCents())
                .isEqualByComparingTo("1350");
    }

    private static DailySpend keyDay(String date, String workspace, String cents) {
        return new DailySpend(LocalDate.parse(date), SpendScope.apiKey("apikey_1"), Optional.empty(), Map.of(),
                Map.of(10, Map.of("claude-sonnet-4-6", usage(cents))), Optional.ofNullable(workspace));
    }
}
