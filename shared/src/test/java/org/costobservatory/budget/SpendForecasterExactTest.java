package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.PeriodWindow;
import org.junit.jupiter.api.Test;

/**
 * The forecast's arithmetic pinned to figures worked out apart from this code (a separate implementation of the
 * method its Javadoc describes, and by hand for the flat cases): the weekday factors, the fitted line with its
 * variances, the interval and the moment the limit is reached. {@link SpendForecasterTest} checks the behaviour
 * (trend followed, rhythm respected, noise ignored); this pins the numbers, so a changed constant, bound or sign
 * fails here even when the behaviour still looks plausible.
 */
class SpendForecasterExactTest {
    private static final double[] NOISE = {1.00, 1.03, 0.98, 1.01, 0.97, 1.02, 0.99};
    private static final LocalDate LAST = LocalDate.parse("2026-11-14");
    private static final Instant AS_OF = Instant.parse("2026-11-15T00:00:00Z");
    private static final PeriodWindow NOVEMBER = BudgetPeriod.MONTHLY.containing(AS_OF, ZoneId.of("UTC"));

    /** {@code n} days ending on the 14th, the i-th (oldest is 0) costing {@code cents.apply(i, date)}. */
    private static List<SpendHistory.Day> days(int n, BiFunction<Integer, LocalDate, Double> cents) {
        List<SpendHistory.Day> days = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LocalDate date = LAST.minusDays(n - 1 - i);
            days.add(new SpendHistory.Day(date, cents.apply(i, date)));
        }
        return days;
    }

    /** 28 days growing by $1.50 a day, weekends at a third of weekdays, a repeating wobble: every day positive. */
    private static final List<SpendHistory.Day> GROWING = days(28, (i, date) ->
            (10_000 + 150.0 * i) * (date.getDayOfWeek().getValue() >= 6 ? 0.4 : 1.2) * NOISE[i % 7]);

    /** 21 days near $50, one Wednesday (the 4th) with nothing at all. */
    private static final List<SpendHistory.Day> WITH_A_ZERO_DAY = days(21, (i, date) ->
            date.equals(LocalDate.parse("2026-11-04")) ? 0.0 : (5_000 + 40.0 * i) * NOISE[(i * 3) % 7]);

    private static void assertFactors(double[] actual, double... expected) {
        assertThat(actual).hasSize(7);
        for (int d = 0; d < 7; d++) {
            assertThat(actual[d]).as("weekday %d", d + 1).isCloseTo(expected[d], within(1e-9));
        }
    }

    private static void assertClose(double actual, double expected, String what) {
        assertThat(actual).as(what).isCloseTo(expected, withinPercentage(1e-6));
    }

    @Test
    void aRegularWeekGivesItsExactRatiosToTheWeeksAverage() {
        // Weekdays $100, weekends $30: every centred week averages $80, so 1.25 and 0.375, with no noise to shrink
        List<SpendHistory.Day> regular = days(21, (i, date) -> date.getDayOfWeek().getValue() >= 6 ? 3_000.0
                : 10_000.0);

        assertFactors(SpendForecaster.weekdayFactors(regular), 1.25, 1.25, 1.25, 1.25, 1.25, 0.375, 0.375);
    }

    @Test
    void theWeekdayFactorsAreAveragedRatiosPulledTowardsOneByTheirNoise() {
        assertFactors(SpendForecaster.weekdayFactors(GROWING), 1.265590189250066, 1.200455068156507,
                1.2461240631942259, 1.2059668845092955, 1.2635967324447945, 0.4077087224186715,
                0.4105583400264398);
        assertFactors(SpendForecaster.weekdayFactors(WITH_A_ZERO_DAY), 1.03602640827087, 1.0197525067368531,
                0.8074374027810506, 1.0445187814959283, 1.0543101781738655, 1.0100423657818454,
                1.0279123567595878);
        assertFactors(SpendForecaster.weekdayFactors(GROWING.subList(0, 13)), 1, 1, 1, 1, 1, 1, 1);
    }

    @Test
    void daysThatAllHadSpendAreFittedAsAGrowthRate() {
        SpendForecaster.Line line = SpendForecaster.fit(GROWING, SpendForecaster.weekdayFactors(GROWING));

        assertThat(line.multiplicative()).isTrue();
        assertClose(line.level(), 9.52870351277029, "level (log cents)");
        assertClose(line.slope(), 0.012353357194567581, "slope (per day)");
        assertClose(line.residualVariance(), 3.29680067097985e-05, "residual variance");
        assertClose(line.levelVariance(), 5.194274591023047e-06, "level variance");
        assertClose(line.slopeVariance(), 2.5305702758168474e-08, "slope variance");
        assertClose(line.covariance(), 3.010752074675462e-07, "covariance");
        assertClose(line.slopeShrunkBy(), 6.1393599219607825e-06, "slope shrunk by");
    }

    @Test
    void aDayWithNothingMakesItALineInCents() {
        SpendForecaster.Line line = SpendForecaster.fit(WITH_A_ZERO_DAY,
                SpendForecaster.weekdayFactors(WITH_A_ZERO_DAY));

        assertThat(line.multiplicative()).isFalse();
        assertClose(line.level(), 5271.048031939553, "level (cents)");
        assertClose(line.slope(), 11.961972439413413, "slope (cents a day)");
        assertClose(line.residualVariance(), 1262990.9066945997, "residual variance");
        assertClose(line.levelVariance(), 250416.7861103873, "level variance");
        assertClose(line.slopeVariance(), 2105.767951076082, "slope variance");
        assertClose(line.covariance(), 19154.86298171686, "covariance");
        assertClose(line.slopeShrunkBy(), 34.70253470359496, "slope shrunk by");
    }

    @Test
    void aGrowthRateAboveFivePercentADayIsHeldAtFive() {
        // Doubling every week (10.4 % a day) on a perfect line: nothing to shrink, so only the cap acts
        List<SpendHistory.Day> doubling = days(21, (i, date) -> 1_000 * Math.exp(Math.log(2) / 7 * i));
        double[] flat = {1, 1, 1, 1, 1, 1, 1};

        SpendForecaster.Line line = SpendForecaster.fit(doubling, flat);

        assertThat(line.slope()).isEqualTo(0.05);
        assertThat(line.slopeShrunkBy()).isCloseTo(Math.log(2) / 7 - 0.05, within(1e-9));
        assertThat(line.residualVariance()).isCloseTo(0, within(1e-12));
    }

    @Test
    void theWeeklyTrendForecastItsIntervalAndTheMomentTheLimitIsReached() {
        Forecast forecast = SpendForecaster.forecast(new BigDecimal("4000"), NOVEMBER, new BigDecimal("205900"),
                Optional.of(AS_OF), SpendHistory.ofDays(GROWING));

        assertThat(forecast.method()).isEqualTo(Forecast.WEEKLY_TREND);
        assertThat(forecast.forecastUsd()).contains(new BigDecimal("4453.10"));
        assertThat(forecast.lowUsd()).contains(new BigDecimal("4441.35"));
        assertThat(forecast.highUsd()).contains(new BigDecimal("4464.84"));
        assertThat(forecast.exhaustedAt()).contains(Instant.parse("2026-11-27T11:28:20Z"));
    }

    @Test
    void aLineInCentsCarriesItsWiderInterval() {
        Forecast forecast = SpendForecaster.forecast(new BigDecimal("10000"), NOVEMBER, new BigDecimal("71000"),
                Optional.of(AS_OF), SpendHistory.ofDays(WITH_A_ZERO_DAY));

        assertThat(forecast.forecastUsd()).contains(new BigDecimal("1573.13"));
        assertThat(forecast.lowUsd()).contains(new BigDecimal("1378.11"));
        assertThat(forecast.highUsd()).contains(new BigDecimal("1768.14"));
        assertThat(forecast.exhaustedAt()).isEmpty();
    }

    @Test
    void lastWeeksMeanForTheDaysLeftWithItsScatterAsTheInterval() {
        // The last 7 of 10 days average exactly $100 with a variance of 2,166,666.67 cents²; 16 days are left:
        // $1,400 + 16 × $100 = $3,000, sd = √(16 v + 16² v / 7) = 10,672.6 cents, ± 1.2816 sd = ± $136.78
        List<SpendHistory.Day> tenDays = days(10, (i, date) -> new double[] {9000, 11000, 10000, 12000, 8000, 10500,
                9500, 10000, 11500, 8500}[i]);

        Forecast forecast = SpendForecaster.forecast(new BigDecimal("4000"), NOVEMBER, new BigDecimal("140000"),
                Optional.of(AS_OF), SpendHistory.ofDays(tenDays));

        assertThat(forecast.method()).isEqualTo(Forecast.LAST_WEEK);
        assertThat(forecast.forecastUsd()).contains(new BigDecimal("3000.00"));
        assertThat(forecast.lowUsd()).contains(new BigDecimal("2863.22"));
        assertThat(forecast.highUsd()).contains(new BigDecimal("3136.78"));
        assertThat(forecast.exhaustedAt()).isEmpty();
    }

    @Test
    void theRunRateOfTwoDaysWithTheDefaultScatter() {
        // $10 in the first 2 days: $5 a day for 28 more is $140; with fewer than 3 days the scatter is a
        // coefficient of variation of 0.5: sd = 500 × 0.5 × √(28 + 28² / 2) = 5,123.48 cents, ± 1.2816 sd = ± $65.66.
        // $100 is reached when $90 more has been spent: 18 days on, at midnight on the 21st.
        Instant asOf = Instant.parse("2026-11-03T00:00:00Z");
        List<SpendHistory.Day> two = List.of(new SpendHistory.Day(LocalDate.parse("2026-11-01"), 500),
                new SpendHistory.Day(LocalDate.parse("2026-11-02"), 500));

        Forecast forecast = SpendForecaster.forecast(new BigDecimal("100"), NOVEMBER, new BigDecimal("1000"),
                Optional.of(asOf), SpendHistory.ofDays(two));

        assertThat(forecast.method()).isEqualTo(Forecast.RUN_RATE);
        assertThat(forecast.forecastUsd()).contains(new BigDecimal("150.00"));
        assertThat(forecast.lowUsd()).contains(new BigDecimal("84.34"));
        assertThat(forecast.highUsd()).contains(new BigDecimal("215.66"));
        assertThat(forecast.exhaustedAt()).contains(Instant.parse("2026-11-21T00:00:00Z"));
    }

    @Test
    void theEdgesOfTheWeekdayFactors() {
        // two weeks: only the weekday seen twice (the Wednesday) keeps its ratio, 1.25, before normalising
        assertFactors(SpendForecaster.weekdayFactors(days(14, (i, date) -> date.getDayOfWeek().getValue() >= 6
                ? 3_000.0 : 10_000.0)), 0.9655172413793105, 0.9655172413793105, 1.2068965517241381,
                0.9655172413793105, 0.9655172413793105, 0.9655172413793105, 0.9655172413793105);
        // a week with no spend at all: its centred averages of zero are left out, not divided by
        assertFactors(SpendForecaster.weekdayFactors(days(21, (i, date) -> i >= 7 && i < 14 ? 0.0
                : date.getDayOfWeek().getValue() >= 6 ? 3_000.0 : 10_000.0)), 1.0045225110167855,
                0.9961799020112043, 1.80314692774072, 0.9961799020112043, 1.0045225110167855, 0.5977241231016498,
                0.5977241231016498);
        // a flat scope: every ratio is exactly 1, nothing to pull towards 1
        assertFactors(SpendForecaster.weekdayFactors(days(21, (i, date) -> 10_000.0)), 1, 1, 1, 1, 1, 1, 1);
    }

    @Test
    void threeDaysAreEnoughForASlope() {
        double[] flat = {1, 1, 1, 1, 1, 1, 1};
        SpendForecaster.Line line = SpendForecaster.fit(days(3, (i, date) -> 1_000.0 * (1 << i)), flat);

        assertThat(line.slope()).as("doubling a day, held at 5 %").isEqualTo(0.05);
        SpendForecaster.Line level = SpendForecaster.fit(days(2, (i, date) -> 1_000.0 * (1 << i)), flat);
        assertThat(level.slope()).as("two days give a level only").isZero();
        assertClose(level.level(), 7.258618409256557, "the weighted mean of the logs");
        assertClose(level.residualVariance(), 0.23725322440605054, "residual variance");
        assertClose(level.levelVariance(), 0.12009485332618643, "level variance");
        assertThat(SpendForecaster.fit(days(14, (i, date) -> 1_000.0), new double[7]))
                .as("no weekday with spend: nothing to fit").isEqualTo(SpendForecaster.Line.ZERO);
    }

    @Test
    void theMethodChangesAtFourteenAndSevenDaysAndAnHourOfData() {
        SpendHistory fourteen = SpendHistory.ofDays(days(14, (i, date) -> 10_000.0));
        SpendHistory seven = SpendHistory.ofDays(days(7, (i, date) -> 10_000.0));
        BigDecimal limit = new BigDecimal("100000");

        assertThat(SpendForecaster.forecast(limit, NOVEMBER, BigDecimal.ZERO, Optional.of(AS_OF), fourteen).method())
                .isEqualTo(Forecast.WEEKLY_TREND);
        assertThat(SpendForecaster.forecast(limit, NOVEMBER, BigDecimal.ZERO, Optional.of(AS_OF), seven).method())
                .isEqualTo(Forecast.LAST_WEEK);
        SpendHistory none = SpendHistory.ofDays(List.of());
        assertThat(SpendForecaster.forecast(limit, NOVEMBER, new BigDecimal("100"),
                Optional.of(Instant.parse("2026-11-01T01:00:00Z")), none).method()).isEqualTo(Forecast.RUN_RATE);
        assertThat(SpendForecaster.forecast(limit, NOVEMBER, new BigDecimal("100"),
                Optional.of(Instant.parse("2026-11-01T00:59:59Z")), none).method()).isEqualTo(Forecast.NONE);
    }

    @Test
    void dataThatReachesThePeriodsEndForecastsWhatWasSpent() {
        Forecast forecast = SpendForecaster.forecast(new BigDecimal("100"), NOVEMBER, new BigDecimal("12345"),
                Optional.of(Instant.parse("2026-12-01T00:00:00Z")), SpendHistory.ofDays(GROWING));

        assertThat(forecast.forecastUsd()).contains(new BigDecimal("123.45"));
        assertThat(forecast.lowUsd()).contains(new BigDecimal("123.45"));
        assertThat(forecast.highUsd()).contains(new BigDecimal("123.45"));
        assertThat(forecast.exhaustedAt()).contains(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void withoutStoredDataThereIsNoForecast() {
        Forecast forecast = SpendForecaster.forecast(new BigDecimal("100"), NOVEMBER, new BigDecimal("500"),
                Optional.empty(), SpendHistory.ofDays(GROWING));

        assertThat(forecast.method()).isEqualTo(Forecast.NONE);
        assertThat(forecast.historyDays()).isEqualTo(28);
        assertThat(forecast.forecastUsd()).isEmpty();
    }

    @Test
    void aWeekOfEqualDaysStillHasTheTenPercentFloorOfScatter() {
        // variance 0, floored at (0.1 × $100)²: sd = 1,000 × √(16 + 16² / 7) = 7,250.6 cents, ± $92.92
        Forecast forecast = SpendForecaster.forecast(new BigDecimal("100000"), NOVEMBER, new BigDecimal("140000"),
                Optional.of(AS_OF), SpendHistory.ofDays(days(10, (i, date) -> 10_000.0)));

        assertThat(forecast.forecastUsd()).contains(new BigDecimal("3000.00"));
        assertThat(forecast.lowUsd()).contains(new BigDecimal("2907.08"));
        assertThat(forecast.highUsd()).contains(new BigDecimal("3092.92"));
    }

    @Test
    void theRunRatesScatterComesFromTheCompleteDaysOnceThereAreThree() {
        List<SpendHistory.Day> four = List.of(new SpendHistory.Day(LocalDate.parse("2026-11-01"), 800),
                new SpendHistory.Day(LocalDate.parse("2026-11-02"), 1200),
                new SpendHistory.Day(LocalDate.parse("2026-11-03"), 1000),
                new SpendHistory.Day(LocalDate.parse("2026-11-04"), 1000));
        BigDecimal limit = new BigDecimal("100000");

        // four days, sd $1.63 on a mean of $10 (cv 0.163): $40 + 26 × $10 = $300, ± $29.22
        Forecast fourDays = SpendForecaster.forecast(limit, NOVEMBER, new BigDecimal("4000"),
                Optional.of(Instant.parse("2026-11-05T00:00:00Z")), SpendHistory.ofDays(four));
        assertThat(fourDays.method()).isEqualTo(Forecast.RUN_RATE);
        assertThat(fourDays.forecastUsd()).contains(new BigDecimal("300.00"));
        assertThat(fourDays.lowUsd()).contains(new BigDecimal("270.78"));
        assertThat(fourDays.highUsd()).contains(new BigDecimal("329.22"));

        // exactly three days (cv 0.2): $30 + 27 × $10, ± $42.12
        Forecast threeDays = SpendForecaster.forecast(limit, NOVEMBER, new BigDecimal("3000"),
                Optional.of(Instant.parse("2026-11-04T00:00:00Z")), SpendHistory.ofDays(four.subList(0, 3)));
        assertThat(threeDays.lowUsd()).contains(new BigDecimal("257.88"));
        assertThat(threeDays.highUsd()).contains(new BigDecimal("342.12"));

        // three days without spend say nothing of the scatter: the default cv of 0.5 applies
        List<SpendHistory.Day> silent = List.of(new SpendHistory.Day(LocalDate.parse("2026-11-01"), 0),
                new SpendHistory.Day(LocalDate.parse("2026-11-02"), 0),
                new SpendHistory.Day(LocalDate.parse("2026-11-03"), 0));
        Forecast afterSilence = SpendForecaster.forecast(limit, NOVEMBER, new BigDecimal("300"),
                Optional.of(Instant.parse("2026-11-04T12:00:00Z")), SpendHistory.ofDays(silent));
        assertThat(afterSilence.forecastUsd()).contains(new BigDecimal("25.71"));
        assertThat(afterSilence.lowUsd()).contains(new BigDecimal("17.44"));
        assertThat(afterSilence.highUsd()).contains(new BigDecimal("33.99"));
    }

    @Test
    void aLimitReachedExactlyIsReached() {
        List<SpendHistory.Day> two = List.of(new SpendHistory.Day(LocalDate.parse("2026-11-01"), 500),
                new SpendHistory.Day(LocalDate.parse("2026-11-02"), 500));
        Instant asOf = Instant.parse("2026-11-03T00:00:00Z");

        // $10 so far and $140 to come: a $150 limit is reached at the period's very end
        assertThat(SpendForecaster.forecast(new BigDecimal("150"), NOVEMBER, new BigDecimal("1000"),
                Optional.of(asOf), SpendHistory.ofDays(two)).exhaustedAt())
                .contains(Instant.parse("2026-12-01T00:00:00Z"));
        // spend already exactly at the limit is exhausted as of the data
        assertThat(SpendForecaster.forecast(new BigDecimal("10"), NOVEMBER, new BigDecimal("1000"),
                Optional.of(asOf), SpendHistory.ofDays(two)).exhaustedAt()).contains(asOf);
    }
}
