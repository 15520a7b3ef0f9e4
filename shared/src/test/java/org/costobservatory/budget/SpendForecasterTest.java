package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.PeriodWindow;
import org.junit.jupiter.api.Test;

/**
 * The forecast arithmetic on synthetic series: flat, trending, with a weekly rhythm, at a period start with and
 * without history, with too little history for anything but the run rate, and for periods that start and end inside
 * UTC days (a half-hour offset). Histories here spread each day evenly over its hours.
 */
class SpendForecasterTest {
    private static final BigDecimal NO_LIMIT = new BigDecimal("1000000");

    /** {@code days} complete days ending the day before {@code asOf}, each {@code cents.apply(date)}. */
    private static SpendHistory history(Instant asOf, int days, Function<LocalDate, Double> cents) {
        LocalDate last = asOf.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1);
        List<SpendHistory.Day> list = new ArrayList<>();
        for (LocalDate day = last.minusDays(days - 1); !day.isAfter(last); day = day.plusDays(1)) {
            list.add(new SpendHistory.Day(day, cents.apply(day)));
        }
        return SpendHistory.ofDays(list);
    }

    private static PeriodWindow month(String anyInstant) {
        return BudgetPeriod.MONTHLY.containing(Instant.parse(anyInstant), ZoneId.of("UTC"));
    }

    private static Forecast forecast(BigDecimal limitUsd, PeriodWindow period, String spentUsd, Instant asOf,
                                     SpendHistory history) {
        return SpendForecaster.forecast(limitUsd, period, new BigDecimal(spentUsd).movePointRight(2),
                Optional.of(asOf), history);
    }

    @Test
    void aFlatSeriesForecastsItsLevelForTheDaysLeftWithANarrowIntervalAroundIt() {
        // GIVEN eight weeks at $100 a day (a cent of wobble), and November spent $1,000 through the 10th
        Instant asOf = Instant.parse("2026-11-11T00:00:00Z");
        SpendHistory flat = history(asOf, 56, day -> 10_000.0 + (day.getDayOfMonth() % 2 == 0 ? 1 : -1));

        Forecast forecast = forecast(NO_LIMIT, month("2026-11-11T00:00:00Z"), "1000.00", asOf, flat);

        // THEN 20 days more at $100: $3,000, the interval tight around it
        assertThat(forecast.method()).isEqualTo(Forecast.WEEKLY_TREND);
        assertThat(forecast.historyDays()).isEqualTo(56);
        assertThat(forecast.forecastUsd().orElseThrow()).isBetween(new BigDecimal("2999.00"),
                new BigDecimal("3001.00"));
        assertThat(forecast.lowUsd().orElseThrow()).isBetween(new BigDecimal("2990.00"), forecast.forecastUsd().get());
        assertThat(forecast.highUsd().orElseThrow()).isBetween(forecast.forecastUsd().get(), new BigDecimal("3010.00"));
        assertThat(forecast.exhaustedAt()).isEmpty();
    }

    @Test
    void aGrowingSeriesIsForecastAboveItsRunRateAndCloseToWhereTheGrowthLeads() {
        // GIVEN spend growing 1 % a day for eight weeks (compounding), with a little noise
        Instant asOf = Instant.parse("2026-11-15T00:00:00Z");
        LocalDate origin = LocalDate.parse("2026-09-20");
        Function<LocalDate, Double> growth = day -> 10_000 * Math.pow(1.01, day.toEpochDay() - origin.toEpochDay())
                * (1 + (day.getDayOfMonth() % 3 - 1) * 0.01);
        SpendHistory history = history(asOf, 56, growth);
        double spent = 0;
        for (LocalDate day = LocalDate.parse("2026-11-01"); day.isBefore(LocalDate.parse("2026-11-15"));
             day = day.plusDays(1)) {
            spent += growth.apply(day);
        }
        double actual = spent;
        for (LocalDate day = LocalDate.parse("2026-11-15"); day.isBefore(LocalDate.parse("2026-12-01"));
             day = day.plusDays(1)) {
            actual += 10_000 * Math.pow(1.01, day.toEpochDay() - origin.toEpochDay());
        }
        String spentUsd = BigDecimal.valueOf(spent).movePointLeft(2).setScale(2, java.math.RoundingMode.HALF_UP)
                .toPlainString();

        Forecast forecast = forecast(NO_LIMIT, month("2026-11-15T00:00:00Z"), spentUsd, asOf, history);

        // THEN the forecast is within 1 % of where the growth leads, while the run rate falls short by over 5 %
        double chosen = forecast.forecastUsd().orElseThrow().movePointRight(2).doubleValue();
        double runRate = spent * 30 / 14;
        assertThat(Math.abs(chosen - actual) / actual).isLessThan(0.01);
        assertThat((actual - runRate) / actual).isGreaterThan(0.05);
        assertThat(forecast.lowUsd().orElseThrow().movePointRight(2).doubleValue()).isLessThan(actual);
        assertThat(forecast.highUsd().orElseThrow().movePointRight(2).doubleValue()).isGreaterThan(actual);
    }

    @Test
    void theWeeklyRhythmDecidesWhatTheRestOfTheWeekCosts() {
        // GIVEN $100 on weekdays and $5 at weekends for eight weeks; a weekly budget on Friday night
        Instant asOf = Instant.parse("2026-11-28T00:00:00Z");   // Saturday 00:00: only the weekend is left
        SpendHistory rhythm = history(asOf, 56, day -> day.getDayOfWeek().getValue() >= 6 ? 500.0 : 10_000.0);
        PeriodWindow week = BudgetPeriod.WEEKLY.containing(asOf, ZoneId.of("UTC"));

        Forecast forecast = forecast(NO_LIMIT, week, "500.00", asOf, rhythm);

        // THEN the weekend adds about $10, not the two weekdays' worth a run rate would add ($200)
        assertThat(forecast.forecastUsd().orElseThrow()).isBetween(new BigDecimal("508.00"), new BigDecimal("512.00"));
        assertThat(new BigDecimal("500.00").multiply(BigDecimal.valueOf(7)).divide(BigDecimal.valueOf(5)))
                .as("the run rate").isEqualByComparingTo("700");
    }

    @Test
    void aPeriodThatHasJustStartedWithoutHistoryHasNoForecast() {
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        Forecast atStart = forecast(NO_LIMIT, month("2026-12-01T00:00:00Z"), "0.00", start, SpendHistory.empty());
        Forecast halfAnHourIn = SpendForecaster.forecast(NO_LIMIT, month("2026-12-01T00:30:00Z"), BigDecimal.TEN,
                Optional.of(start.plusSeconds(1800)), SpendHistory.empty());
        Forecast noUsage = SpendForecaster.forecast(NO_LIMIT, month("2026-12-01T05:00:00Z"), BigDecimal.ZERO,
                Optional.empty(), SpendHistory.empty());

        for (Forecast none : List.of(atStart, halfAnHourIn, noUsage)) {
            assertThat(none.method()).isEqualTo(Forecast.NONE);
            assertThat(none.forecastUsd()).isEmpty();
            assertThat(none.lowUsd()).isEmpty();
            assertThat(none.highUsd()).isEmpty();
            assertThat(none.exhaustedAt()).isEmpty();
        }
    }

    @Test
    void aPeriodThatHasJustStartedWithHistoryIsForecastFromTheHistory() {
        // GIVEN eight weeks at $50 a day, and December has not started spending
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        SpendHistory history = history(start, 56, day -> 5_000.0);

        Forecast forecast = forecast(NO_LIMIT, month("2026-12-01T00:00:00Z"), "0.00", start, history);

        // THEN the whole month at $50 a day
        assertThat(forecast.method()).isEqualTo(Forecast.WEEKLY_TREND);
        assertThat(forecast.forecastUsd().orElseThrow()).isBetween(new BigDecimal("1549.00"),
                new BigDecimal("1551.00"));
    }

    @Test
    void oneToTwoWeeksOfHistoryForecastTheMeanOfTheLastWeek() {
        // GIVEN ten days: $100 on weekdays and $30 at weekends (a week is $560), and November spent $800 through the
        // 10th; too little history to tell the rhythm from a trend
        Instant asOf = Instant.parse("2026-11-11T00:00:00Z");
        SpendHistory tenDays = history(asOf, 10, day -> day.getDayOfWeek().getValue() >= 6 ? 3_000.0 : 10_000.0);

        Forecast forecast = forecast(NO_LIMIT, month("2026-11-11T00:00:00Z"), "800.00", asOf, tenDays);

        // THEN 20 days at $80 (the week's mean), the interval from the week's scatter, neither absurd
        assertThat(forecast.method()).isEqualTo(Forecast.LAST_WEEK);
        assertThat(forecast.forecastUsd().orElseThrow()).isEqualByComparingTo("2400.00");
        assertThat(forecast.lowUsd().orElseThrow()).isBetween(new BigDecimal("1900.00"), new BigDecimal("2400.00"));
        assertThat(forecast.highUsd().orElseThrow()).isBetween(new BigDecimal("2400.00"), new BigDecimal("2900.00"));
    }

    @Test
    void underAWeekOfHistoryFallsBackToTheRunRate() {
        // GIVEN three complete days and a month 3 days and 12 hours in, $350 spent
        Instant asOf = Instant.parse("2026-11-04T12:00:00Z");
        SpendHistory shortHistory = history(asOf, 3, day -> 10_000.0);

        Forecast forecast = forecast(NO_LIMIT, month("2026-11-04T12:00:00Z"), "350.00", asOf, shortHistory);

        // THEN spend per hour so far times the month: $100 a day for 30 days
        assertThat(forecast.method()).isEqualTo(Forecast.RUN_RATE);
        assertThat(forecast.forecastUsd().orElseThrow()).isEqualByComparingTo("3000.00");
        assertThat(forecast.lowUsd().orElseThrow()).isGreaterThanOrEqualTo(new BigDecimal("350.00"))
                .isLessThan(new BigDecimal("3000.00"));
        assertThat(forecast.highUsd().orElseThrow()).isGreaterThan(new BigDecimal("3000.00"));
    }

    @Test
    void aPeriodInAHalfHourTimeZoneCountsTheHalfHourItEndsIn() {
        // GIVEN a week in Asia/Kolkata (+05:30): it ends on Sunday 18:30 UTC; $24 a day spread evenly over the hours
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        Instant asOf = Instant.parse("2026-11-27T10:00:00Z");
        PeriodWindow week = BudgetPeriod.WEEKLY.containing(asOf, kolkata);
        assertThat(week.endInstant()).isEqualTo("2026-11-29T18:30:00Z");
        SpendHistory history = history(asOf, 56, day -> 2_400.0);

        Forecast forecast = forecast(NO_LIMIT, week, "100.00", asOf, history);

        // THEN $1 an hour for the 56.5 hours from Friday 10:00 to Sunday 18:30 UTC
        assertThat(forecast.forecastUsd().orElseThrow()).isEqualByComparingTo("156.50");
        assertThat(week.start().getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
    }

    @Test
    void aDailyBudgetInAnotherTimeZoneForecastsOnlyTheHoursLeftInItsDay() {
        // GIVEN a day in America/New_York (-05:00 in November): it ends at 05:00 UTC the next day
        ZoneId newYork = ZoneId.of("America/New_York");
        Instant asOf = Instant.parse("2026-11-20T20:00:00Z");
        PeriodWindow day = BudgetPeriod.DAILY.containing(asOf, newYork);
        SpendHistory history = history(asOf, 56, d -> 2_400.0);

        Forecast forecast = forecast(NO_LIMIT, day, "15.00", asOf, history);

        // THEN 9 hours more at $1
        assertThat(day.endInstant()).isEqualTo("2026-11-21T05:00:00Z");
        assertThat(forecast.forecastUsd().orElseThrow()).isEqualByComparingTo("24.00");
    }

    @Test
    void theForecastSaysWhenItReachesTheLimit() {
        // GIVEN $100 a day, $1,000 spent through the 10th, a limit of $1,550: five and a half days to go
        Instant asOf = Instant.parse("2026-11-11T00:00:00Z");
        SpendHistory flat = history(asOf, 56, day -> 10_000.0);

        Forecast forecast = forecast(new BigDecimal("1550"), month("2026-11-11T00:00:00Z"), "1000.00", asOf, flat);

        assertThat(forecast.reaches(new BigDecimal("1550"))).isTrue();
        assertThat(forecast.exhaustedAt()).contains(Instant.parse("2026-11-16T12:00:00Z"));
    }

    @Test
    void spendAlreadyAtTheLimitIsExhaustedAsOfTheData() {
        Instant asOf = Instant.parse("2026-11-11T07:00:00Z");
        Forecast forecast = forecast(new BigDecimal("900"), month("2026-11-11T07:00:00Z"), "1000.00", asOf,
                history(asOf, 56, day -> 10_000.0));

        assertThat(forecast.exhaustedAt()).contains(asOf);
    }

    @Test
    void aRunRateAlsoSaysWhenItReachesTheLimit() {
        // GIVEN $240 in the first 2.5 days (4 an hour) and a limit of $480: another 60 hours
        Instant asOf = Instant.parse("2026-11-03T12:00:00Z");
        Forecast forecast = forecast(new BigDecimal("480"), month("2026-11-03T12:00:00Z"), "240.00", asOf,
                SpendHistory.empty());

        assertThat(forecast.method()).isEqualTo(Forecast.RUN_RATE);
        assertThat(forecast.exhaustedAt()).contains(Instant.parse("2026-11-06T00:00:00Z"));
    }

    @Test
    void noiseIsNotReadAsATrendOrARhythm() {
        // GIVEN a flat $100 a day with ±10 % of day-to-day noise
        Instant asOf = Instant.parse("2026-11-11T00:00:00Z");
        SpendHistory noisy = history(asOf, 56, day -> 10_000.0 * (0.9 + 0.2 * ((day.toEpochDay() * 7919) % 101)
                / 100.0));

        double[] factors = SpendForecaster.weekdayFactors(noisy.days());
        SpendForecaster.Line line = SpendForecaster.fit(noisy.days(), factors);

        // THEN weekday factors stay near 1 and the slope near 0 (under 0.2 % a day)
        for (double factor : factors) {
            assertThat(factor).isBetween(0.9, 1.1);
        }
        assertThat(Math.abs(line.slope())).isLessThan(0.002);
    }
}
