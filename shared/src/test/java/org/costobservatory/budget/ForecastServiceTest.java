package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
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
import org.costobservatory.store.DataVersion;
import org.costobservatory.store.SpendStore;
import org.junit.jupiter.api.Test;

/**
 * Forecasts read weeks of history once per version of the stored data, not once per answer; the history follows the
 * budget's scope rules (model prefix), and its hourly profile shapes a forecast that ends mid-day.
 */
class ForecastServiceTest {

    /** Rollups in memory, counting the reads. */
    private static final class CountingStore implements SpendStore {
        final Map<SpendScope, List<DailySpend>> rollups = new HashMap<>();
        final List<String> reads = new ArrayList<>();

        @Override
        public List<DailySpend> read(SpendScope scope, LocalDate from, LocalDate toInclusive) {
            reads.add(scope.text() + " " + from + ".." + toInclusive);
            return rollups.getOrDefault(scope, List.of()).stream()
                    .filter(day -> !day.date().isBefore(from) && !day.date().isAfter(toInclusive)).toList();
        }

        @Override
        public Optional<String> keyWorkspace(String apiKeyId) {
            return Optional.empty();
        }

        @Override
        public List<SpendScope> scopes() {
            return List.copyOf(rollups.keySet());
        }
    }

    private static Budget budget(BudgetPeriod period, BudgetScope scope) {
        return new Budget("b", new BigDecimal("1000"), period, ZoneId.of("UTC"), scope, Budget.DEFAULT_THRESHOLDS,
                Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Days settled at {@code opusCents} of Opus and 100 cents of Haiku, all usage in hours 9 to 16. */
    private static CountingStore history(LocalDate first, LocalDate last, double opusCents) {
        CountingStore store = new CountingStore();
        List<DailySpend> days = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            Map<Integer, Map<String, HourSpend>> hours = new HashMap<>();
            for (int hour = 9; hour < 17; hour++) {
                hours.put(hour, Map.of("claude-opus-4-6", new HourSpend(BigDecimal.valueOf(opusCents / 8),
                        BigDecimal.ZERO, false), "claude-haiku-4-5", new HourSpend(new BigDecimal("12.5"),
                        BigDecimal.ZERO, false)));
            }
            days.add(new DailySpend(day, SpendScope.ORG, Optional.of(BigDecimal.valueOf(opusCents + 100)),
                    Map.of("claude-opus-4-6", BigDecimal.valueOf(opusCents), "claude-haiku-4-5", new BigDecimal("100")),
                    hours, Optional.empty()));
        }
        store.rollups.put(SpendScope.ORG, days);
        return store;
    }

    private static Spend spend(Budget budget, Instant asOf, String spentCents) {
        return new Spend(budget.currentPeriod(asOf), new BigDecimal(spentCents), BigDecimal.ZERO, BigDecimal.ZERO,
                Optional.of(LocalDate.parse("2026-11-19")), Optional.of(asOf), Spend.BASIS_COST_REPORT, List.of(),
                false);
    }

    @Test
    void historyIsReadOncePerDataVersionNotOncePerAnswer() {
        CountingStore store = history(LocalDate.parse("2026-09-01"), LocalDate.parse("2026-11-19"), 800);
        ForecastService service = new ForecastService(store);
        Budget budget = budget(BudgetPeriod.MONTHLY, BudgetScope.ORGANISATION);
        Instant asOf = Instant.parse("2026-11-20T10:00:00Z");
        Instant now = asOf.plusSeconds(600);
        DataVersion version = new DataVersion(7, Map.of());

        Forecast first = service.forecast(budget, spend(budget, asOf, "17000"), version, now);
        for (int i = 0; i < 50; i++) {
            assertThat(service.forecast(budget, spend(budget, asOf, "17000"), version, now)).isEqualTo(first);
        }
        assertThat(store.reads).containsExactly("org 2026-09-25..2026-11-19");

        // WHEN a settled day is restated (same watermarks, a new data version), THEN the history is read again, once
        service.forecast(budget, spend(budget, asOf, "17000"), new DataVersion(9, Map.of()), now);
        service.forecast(budget, spend(budget, asOf, "17000"), new DataVersion(9, Map.of()), now);
        assertThat(store.reads).hasSize(2);

        // WHEN the next hourly run stores an hour, THEN it is read again, once
        service.forecast(budget, spend(budget, asOf.plusSeconds(3600), "17100"), new DataVersion(11, Map.of()), now);
        service.forecast(budget, spend(budget, asOf.plusSeconds(3600), "17100"), new DataVersion(11, Map.of()), now);
        assertThat(store.reads).hasSize(3);

        // WHILE a write is in flight, THEN it is read every time and nothing is kept
        DataVersion writing = new DataVersion(12, Map.of("w1", now.minusSeconds(5)));
        service.forecast(budget, spend(budget, asOf.plusSeconds(3600), "17100"), writing, now);
        service.forecast(budget, spend(budget, asOf.plusSeconds(3600), "17100"), writing, now);
        assertThat(store.reads).hasSize(5);
    }

    @Test
    void theHistoryFollowsTheBudgetsModelScopeAndItsHourlyProfile() {
        // GIVEN $8 of Opus and $1 of Haiku a day, all of it between 09:00 and 17:00 UTC
        CountingStore store = history(LocalDate.parse("2026-09-01"), LocalDate.parse("2026-11-19"), 800);
        ForecastService service = new ForecastService(store);
        Budget opusDaily = budget(BudgetPeriod.DAILY, new BudgetScope(Optional.empty(), Optional.empty(),
                Optional.of("claude-opus")));

        // WHEN it is 13:00: four of the day's eight busy hours are left
        Forecast midday = service.forecast(opusDaily, spend(opusDaily, Instant.parse("2026-11-20T13:00:00Z"), "400"));
        // and at 18:00 nothing more is expected today
        Forecast evening = service.forecast(opusDaily, spend(opusDaily, Instant.parse("2026-11-20T18:00:00Z"),
                "800"));

        assertThat(midday.forecastUsd().orElseThrow()).isBetween(new BigDecimal("7.99"), new BigDecimal("8.01"));
        assertThat(evening.forecastUsd().orElseThrow()).isBetween(new BigDecimal("8.00"), new BigDecimal("8.01"));
        assertThat(midday.historyDays()).isEqualTo(56);
    }

    @Test
    void withoutStoredUsageThereIsNothingToForecast() {
        ForecastService service = new ForecastService(new CountingStore());
        Budget budget = budget(BudgetPeriod.MONTHLY, BudgetScope.ORGANISATION);
        Spend nothing = new Spend(budget.currentPeriod(Instant.parse("2026-11-20T10:00:00Z")), BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO, Optional.empty(), Optional.empty(), Spend.BASIS_COST_REPORT,
                List.of(), false);

        assertThat(service.forecast(budget, nothing).method()).isEqualTo(Forecast.NONE);
    }
}
