package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
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

/** The history a forecast reads: daily totals, and per weekday the share of each UTC hour. */
class SpendHistoryTest {
    private static final LocalDate LAST = LocalDate.parse("2026-11-24");   // a Tuesday

    private static Budget budget(BudgetScope scope) {
        return new Budget("b", new BigDecimal("1000"), BudgetPeriod.MONTHLY, ZoneOffset.UTC, scope,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static DailySpend day(String date, String workspace, Map<Integer, String> centsByHour) {
        Map<Integer, Map<String, HourSpend>> hours = new java.util.HashMap<>();
        centsByHour.forEach((hour, cents) -> hours.put(hour, Map.of("claude-sonnet-4-6",
                new HourSpend(new BigDecimal(cents), BigDecimal.ZERO, false))));
        return new DailySpend(LocalDate.parse(date), SpendScope.apiKey("apikey_1"), Optional.empty(), Map.of(),
                hours, Optional.ofNullable(workspace));
    }

    @Test
    void aWeekdaySeenTwiceHasItsOwnHoursAndOneSeenOnceBorrowsEveryDays() {
        // GIVEN two Mondays (300 at 09:00 and 100 at 15:00 each) and one Tuesday (all 200 at 20:00)
        List<DailySpend> rollups = List.of(day("2026-11-16", null, Map.of(9, "300", 15, "100")),
                day("2026-11-23", null, Map.of(9, "300", 15, "100")), day("2026-11-24", null, Map.of(20, "200")));

        SpendHistory history = SpendHistory.of(budget(BudgetScope.ORGANISATION), rollups, LAST, Optional.empty());

        // THEN Mondays split 3:1; Tuesday takes the pool of all days (600, 200, 200 of 1,000); a weekday never seen too
        assertThat(history.share(DayOfWeek.MONDAY, 9)).isCloseTo(0.75, within(1e-12));
        assertThat(history.share(DayOfWeek.MONDAY, 15)).isCloseTo(0.25, within(1e-12));
        assertThat(history.share(DayOfWeek.MONDAY, 20)).isZero();
        for (DayOfWeek weekday : List.of(DayOfWeek.TUESDAY, DayOfWeek.SUNDAY)) {
            assertThat(history.share(weekday, 9)).isCloseTo(0.6, within(1e-12));
            assertThat(history.share(weekday, 15)).isCloseTo(0.2, within(1e-12));
            assertThat(history.share(weekday, 20)).isCloseTo(0.2, within(1e-12));
        }
        // and the daily totals run from the first day with data to the last complete day, gaps as zero
        assertThat(history.days()).hasSize(9);
        assertThat(history.days().get(0)).isEqualTo(new SpendHistory.Day(LocalDate.parse("2026-11-16"), 400));
        assertThat(history.days().get(1).cents()).isZero();
        assertThat(history.days().get(8)).isEqualTo(new SpendHistory.Day(LAST, 200));
    }

    @Test
    void withoutAnySpendEveryHourWeighsTheSame() {
        SpendHistory history = SpendHistory.of(budget(BudgetScope.ORGANISATION), List.of(day("2026-11-23", null,
                Map.of(9, "0"))), LAST, Optional.empty());

        assertThat(history.share(DayOfWeek.MONDAY, 9)).isCloseTo(1.0 / 24, within(1e-15));
        assertThat(history.share(DayOfWeek.WEDNESDAY, 23)).isCloseTo(1.0 / 24, within(1e-15));
    }

    @Test
    void aKeyBudgetInAWorkspaceReadsTheKeysHoursOnlyWhileItWasThere() {
        // GIVEN two Mondays in workspace A (all at 09:00) and a Monday after the key moved to B (all at 22:00)
        List<DailySpend> rollups = List.of(day("2026-11-09", "wrkspc_A", Map.of(9, "100")),
                day("2026-11-16", "wrkspc_A", Map.of(9, "100")), day("2026-11-23", "wrkspc_B", Map.of(22, "5000")));
        Budget keyInA = budget(new BudgetScope(Optional.of("wrkspc_A"), Optional.of("apikey_1"), Optional.empty()));

        SpendHistory history = SpendHistory.of(keyInA, rollups, LAST, Optional.empty());

        assertThat(history.share(DayOfWeek.MONDAY, 9)).isCloseTo(1.0, within(1e-12));
        assertThat(history.share(DayOfWeek.MONDAY, 22)).isZero();
        assertThat(history.days()).extracting(SpendHistory.Day::cents).doesNotContain(5000.0);
    }

    @Test
    void settledDaysCountTheBillAndAKeyBudgetItsEstimate() {
        // GIVEN a day the cost report settled at $5 while its usage was priced at $4
        DailySpend settled = new DailySpend(LocalDate.parse("2026-11-23"), SpendScope.ORG,
                Optional.of(new BigDecimal("500")), Map.of(), Map.of(9, Map.of("claude-sonnet-4-6",
                new HourSpend(new BigDecimal("400"), BigDecimal.ZERO, false))), Optional.empty());
        Optional<LocalDate> through = Optional.of(LocalDate.parse("2026-11-23"));

        // THEN the organisation's history has the bill; a key budget (estimated, no bill of its own) the usage
        assertThat(SpendHistory.of(budget(BudgetScope.ORGANISATION), List.of(settled), LAST, through).days().get(0))
                .isEqualTo(new SpendHistory.Day(LocalDate.parse("2026-11-23"), 500));
        assertThat(SpendHistory.of(budget(new BudgetScope(Optional.empty(), Optional.of("apikey_1"),
                Optional.empty())), List.of(settled), LAST, through).days().get(0))
                .isEqualTo(new SpendHistory.Day(LocalDate.parse("2026-11-23"), 400));
    }
}
