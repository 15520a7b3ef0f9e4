package org.costobservatory.budget;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.PeriodWindow;

/**
 * End-of-period spend = spend so far + the expected spend of every UTC hour from the end of the stored data to the end
 * of the period. Pure arithmetic on a {@link SpendHistory}; doubles for the statistics, cents rounded at the edge.
 *
 * <p><b>weekly_trend</b> (at least {@value #WEEKDAY_DAYS} complete days of history):
 * <ol>
 *   <li>weekday factors: each day's ratio to its centred 7-day average, averaged per weekday and pulled towards 1 by
 *       their own noise;</li>
 *   <li>level and trend: a weighted straight line through the days with the weekday rhythm taken out, recent days
 *       weighing most (half-life {@value #HALF_LIFE_DAYS} days). When every day had spend the line is fitted to
 *       the logarithm, so growth is a rate per day and compounds as real growth does; otherwise in cents. The slope
 *       is shrunk by its own uncertainty, so noise is not extrapolated as a trend;</li>
 *   <li>each future UTC day's expected spend is the line ahead times the weekday factor, spread over its hours by
 *       that weekday's hourly profile, so a period that ends mid-day (or mid-hour, in a time zone with a half-hour
 *       offset) counts only the part inside it;</li>
 *   <li>80 % interval: ± 1.2816 standard deviations of the remaining spend, from the day-to-day scatter around the
 *       line, the uncertainty of its level and slope, and what shrinking the slope took away.</li>
 * </ol>
 * <p><b>last_week</b> ({@value #MIN_HISTORY_DAYS} to 13 days): the mean of the last 7 complete days, spread over the
 * hours the same way, the interval from their scatter. <b>run_rate</b> (under {@value #MIN_HISTORY_DAYS} days): spend
 * so far divided by the share of the period the data covers, the
 * interval from the scatter of the complete days there are (a coefficient of variation of
 * {@value #DEFAULT_CV} when fewer than three, never below {@value #MIN_CV}). <b>none</b> until the period has an
 * hour of data.
 */
public final class SpendForecaster {
    static final int MIN_HISTORY_DAYS = 7;
    static final int WEEKDAY_DAYS = 14;
    static final int FIT_DAYS = SpendHistory.DAYS;
    static final double HALF_LIFE_DAYS = 28;
    /**
     * A slope is multiplied by b² / (b² + {@value} var b): one about 1.7 standard errors from zero counts for half,
     * one of 4 for 84 %. Chosen on the backtest ({@code scripts/bench-forecast.sh}).
     */
    static final double TREND_EVIDENCE = 3;
    /** A growth rate is held within ±5 % a day (a factor of 4.3 over a month), whatever a short history says. */
    static final double MAX_GROWTH = 0.05;
    static final double DEFAULT_CV = 0.5;
    static final double MIN_CV = 0.1;
    /** The 90th percentile of the standard normal: 80 % of outcomes fall within ± this many deviations. */
    static final double Z80 = 1.2815515655446004;
    /** Weekdays whose factor is below this (no spend on Sundays, say) are left out of the level fit. */
    private static final double MIN_FACTOR = 0.05;
    private static final Duration MIN_RUN_RATE_DATA = Duration.ofHours(1);
    private static final double SECONDS_PER_DAY = 86_400;

    private SpendForecaster() {
    }

    /**
     * @param spentCents the period's spend so far (settled + provisional), exactly as the answer shows it
     * @param dataAsOf   the end of the newest stored usage hour; the forecast covers from there to the period's end
     */
    public static Forecast forecast(BigDecimal limitUsd, PeriodWindow period, BigDecimal spentCents,
                                    Optional<Instant> dataAsOf, SpendHistory history) {
        int historyDays = history.days().size();
        if (dataAsOf.isEmpty()) {
            return Forecast.none(historyDays);
        }
        Instant from = dataAsOf.get().isAfter(period.startInstant()) ? dataAsOf.get() : period.startInstant();
        Instant end = period.endInstant();
        double spent = spentCents.doubleValue();
        double limit = Money.usdToCents(limitUsd).doubleValue();
        if (!from.isBefore(end)) {
            return result(Forecast.RUN_RATE, spentCents, 0, 0, List.of(), from, limit, historyDays);
        }
        if (historyDays >= WEEKDAY_DAYS) {
            List<SpendHistory.Day> days = history.days();
            double[] factors = weekdayFactors(days);
            return project(Forecast.WEEKLY_TREND, history, fit(days, factors), factors, from, end, spentCents,
                    limit);
        }
        if (historyDays >= MIN_HISTORY_DAYS) {
            double[] flat = new double[7];
            java.util.Arrays.fill(flat, 1.0);
            return project(Forecast.LAST_WEEK, history, lastWeek(history.days()), flat, from, end, spentCents,
                    limit);
        }
        Duration covered = Duration.between(period.startInstant(), from);
        if (covered.compareTo(MIN_RUN_RATE_DATA) < 0) {
            return Forecast.none(historyDays);
        }
        double rate = spent / covered.getSeconds();
        double remaining = Duration.between(from, end).getSeconds();
        double cv = variation(history.days());
        double remainingDays = remaining / SECONDS_PER_DAY;
        double coveredDays = covered.getSeconds() / SECONDS_PER_DAY;
        double sd = rate * SECONDS_PER_DAY * cv * Math.sqrt(remainingDays + remainingDays * remainingDays
                / coveredDays);
        List<Slot> slots = List.of(new Slot(from, end, rate * remaining));
        return result(Forecast.RUN_RATE, spentCents, rate * remaining, sd, slots, from, limit, historyDays);
    }

    /** The expected spend of one stretch of time. */
    private record Slot(Instant from, Instant to, double cents) {
    }

    /** Every hour from {@code from} to {@code end}: the line ahead times the weekday factor and the hour's share. */
    private static Forecast project(String method, SpendHistory history, Line line, double[] factors, Instant from,
                                    Instant end, BigDecimal spentCents, double limit) {
        List<SpendHistory.Day> days = history.days();
        int n = days.size();
        LocalDate last = days.get(n - 1).date();

        List<Slot> slots = new ArrayList<>();
        Map<LocalDate, Double> byDay = new HashMap<>();
        double expected = 0;
        double gradientLevel = 0;
        double gradientSlope = 0;
        for (Instant cursor = from; cursor.isBefore(end); ) {
            Instant hourStart = cursor.truncatedTo(ChronoUnit.HOURS);
            Instant slotEnd = hourStart.plus(1, ChronoUnit.HOURS);
            if (slotEnd.isAfter(end)) {
                slotEnd = end;
            }
            double weight = Duration.between(cursor, slotEnd).getSeconds() / 3600.0;
            LocalDate day = hourStart.atOffset(ZoneOffset.UTC).toLocalDate();
            DayOfWeek weekday = day.getDayOfWeek();
            long ahead = ChronoUnit.DAYS.between(last, day);
            double share = factors[weekday.getValue() - 1]
                    * history.share(weekday, hourStart.atOffset(ZoneOffset.UTC).getHour()) * weight;
            double cents = line.at(ahead) * share;
            slots.add(new Slot(cursor, slotEnd, cents));
            expected += cents;
            // How this slot moves with the level and the slope (for a multiplicative line, in proportion to it).
            double sensitivity = line.multiplicative() ? cents : share;
            gradientLevel += sensitivity;
            gradientSlope += sensitivity * ahead;
            byDay.merge(day, sensitivity, Double::sum);
            cursor = slotEnd;
        }
        double noise = 0;
        for (double sensitivity : byDay.values()) {
            noise += sensitivity * sensitivity * line.residualVariance();
        }
        double parameters = gradientLevel * gradientLevel * line.levelVariance()
                + gradientSlope * gradientSlope * line.slopeVariance()
                + 2 * gradientLevel * gradientSlope * line.covariance()
                + Math.pow(gradientSlope * line.slopeShrunkBy(), 2);
        double sd = Math.sqrt(Math.max(0, noise + parameters));
        return result(method, spentCents, expected, sd, slots, from, limit, n);
    }

    /**
     * One to two weeks of history: too little to tell the weekly rhythm from a trend, so the mean of the last 7
     * complete days (a whole week, weekdays and weekend in proportion), flat, its scatter as the noise.
     */
    static Line lastWeek(List<SpendHistory.Day> days) {
        List<SpendHistory.Day> week = days.subList(days.size() - 7, days.size());
        double mean = week.stream().mapToDouble(SpendHistory.Day::cents).average().orElse(0);
        double variance = week.stream().mapToDouble(d -> (d.cents() - mean) * (d.cents() - mean)).sum() / 6;
        variance = Math.max(variance, Math.pow(MIN_CV * mean, 2));
        return new Line(false, mean, 0, variance, variance / 7, 0, 0, 0);
    }

    private static Forecast result(String method, BigDecimal spentCents, double expected, double sd, List<Slot> slots,
                                   Instant from, double limit, int historyDays) {
        double spent = spentCents.doubleValue();
        BigDecimal forecast = Money.centsToRoundedUsd(spentCents.add(BigDecimal.valueOf(expected)));
        BigDecimal low = Money.centsToRoundedUsd(spentCents.add(BigDecimal.valueOf(Math.max(0, expected
                - Z80 * sd))));
        BigDecimal high = Money.centsToRoundedUsd(spentCents.add(BigDecimal.valueOf(expected + Z80 * sd)));
        Optional<Instant> exhausted = Optional.empty();
        if (spent >= limit) {
            exhausted = Optional.of(from);
        } else {
            double cumulative = spent;
            for (Slot slot : slots) {
                // A millionth of a cent of slack, so a limit reached exactly at an hour's end is not lost to rounding.
                if (slot.cents > 0 && cumulative + slot.cents >= limit - 1e-6) {
                    long seconds = Duration.between(slot.from, slot.to).getSeconds();
                    long into = Math.round(Math.max(0, limit - cumulative) / slot.cents * seconds);
                    exhausted = Optional.of(slot.from.plusSeconds(Math.min(seconds, into)));
                    break;
                }
                cumulative += slot.cents;
            }
        }
        return new Forecast(method, Optional.of(forecast), Optional.of(low), Optional.of(high), exhausted,
                historyDays);
    }

    /**
     * Ratio-to-centred-moving-average weekday factors, each pulled towards 1 by its own noise (f - 1)² / ((f - 1)² +
     * var f / k), so a flat scope's chance wobbles are not read as a rhythm.
     */
    static double[] weekdayFactors(List<SpendHistory.Day> days) {
        double[] factors = new double[7];
        java.util.Arrays.fill(factors, 1.0);
        if (days.size() < WEEKDAY_DAYS) {
            return factors;
        }
        List<List<Double>> ratios = new ArrayList<>();
        for (int d = 0; d < 7; d++) {
            ratios.add(new ArrayList<>());
        }
        for (int t = 3; t < days.size() - 3; t++) {
            double average = 0;
            for (int k = t - 3; k <= t + 3; k++) {
                average += days.get(k).cents();
            }
            average /= 7;
            if (average > 0) {
                ratios.get(days.get(t).date().getDayOfWeek().getValue() - 1).add(days.get(t).cents() / average);
            }
        }
        for (int d = 0; d < 7; d++) {
            List<Double> seen = ratios.get(d);
            factors[d] = seen.isEmpty() ? 1.0 : seen.stream().mapToDouble(Double::doubleValue).average().orElse(1);
        }
        normalise(factors);
        for (int d = 0; d < 7; d++) {
            List<Double> seen = ratios.get(d);
            if (seen.size() < 2) {
                factors[d] = 1.0;
                continue;
            }
            double mean = seen.stream().mapToDouble(Double::doubleValue).average().orElse(1);
            double variance = seen.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum() / (seen.size() - 1);
            double effect = (factors[d] - 1) * (factors[d] - 1);
            double noise = variance / seen.size();
            if (effect + noise > 0) {
                factors[d] = 1 + (factors[d] - 1) * effect / (effect + noise);
            }
        }
        normalise(factors);
        return factors;
    }

    private static void normalise(double[] factors) {
        double mean = 0;
        for (double factor : factors) {
            mean += factor / factors.length;
        }
        if (mean > 0) {
            for (int d = 0; d < factors.length; d++) {
                factors[d] /= mean;
            }
        }
    }

    /**
     * The deseasonalised daily spend as a line through the history: additive (cents per day, per day) or, when every
     * day had spend, multiplicative (log cents: a growth rate per day), with the uncertainties of its level (at the
     * last day) and slope, the scatter of single days around it, and how much the slope was shrunk.
     */
    record Line(boolean multiplicative, double level, double slope, double residualVariance, double levelVariance,
                double slopeVariance, double covariance, double slopeShrunkBy) {
        static final Line ZERO = new Line(false, 0, 0, 0, 0, 0, 0, 0);

        /** Expected deseasonalised spend {@code ahead} days after the last day of history. */
        double at(long ahead) {
            return multiplicative ? Math.exp(level + slope * ahead + residualVariance / 2)
                    : Math.max(0, level + slope * ahead);
        }
    }

    /**
     * Weighted least squares of the deseasonalised days against days before the last, the most recent weighing most;
     * the slope is then shrunk by its own uncertainty and the level refitted through the weighted mean.
     */
    static Line fit(List<SpendHistory.Day> days, double[] factors) {
        int n = days.size();
        List<double[]> points = new ArrayList<>();
        boolean allPositive = true;
        for (int t = Math.max(0, n - FIT_DAYS); t < n; t++) {
            double factor = factors[days.get(t).date().getDayOfWeek().getValue() - 1];
            if (factor < MIN_FACTOR) {
                continue;
            }
            double z = days.get(t).cents() / factor;
            allPositive &= z > 0;
            points.add(new double[] {t - (n - 1), z, Math.pow(0.5, (n - 1 - t) / HALF_LIFE_DAYS)});
        }
        if (points.isEmpty()) {
            return Line.ZERO;
        }
        if (allPositive) {
            points.forEach(point -> point[1] = Math.log(point[1]));
        }
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double t0 = 0;
        double t1 = 0;
        for (double[] point : points) {
            double x = point[0];
            double w = point[2];
            s0 += w;
            s1 += w * x;
            s2 += w * x * x;
            t0 += w * point[1];
            t1 += w * x * point[1];
        }
        double det = s0 * s2 - s1 * s1;
        boolean sloped = points.size() >= 3 && det > 1e-9;
        double slope = sloped ? (s0 * t1 - s1 * t0) / det : 0;
        double level = (t0 - slope * s1) / s0;
        double squares = 0;
        for (double[] point : points) {
            double residual = point[1] - level - slope * point[0];
            squares += point[2] * residual * residual;
        }
        double residual = squares / Math.max(1, points.size() - (sloped ? 2 : 1));
        double levelVariance = sloped ? residual * s2 / det : residual / s0;
        double slopeVariance = sloped ? residual * s0 / det : 0;
        double covariance = sloped ? -residual * s1 / det : 0;
        double raw = slope;
        if (slope != 0) {
            slope *= slope * slope / (slope * slope + TREND_EVIDENCE * slopeVariance);
            if (allPositive) {
                slope = Math.max(-MAX_GROWTH, Math.min(MAX_GROWTH, slope));
            }
            level = (t0 - slope * s1) / s0;
        }
        return new Line(allPositive, level, slope, residual, levelVariance, slopeVariance, covariance, raw - slope);
    }

    /**
     * Coefficient of variation of the last week's complete days, or the default when there are too few; never
     * below {@value #MIN_CV}, because a few days that happen to agree say little about the next ones.
     */
    private static double variation(List<SpendHistory.Day> days) {
        List<SpendHistory.Day> recent = days.subList(Math.max(0, days.size() - 7), days.size());
        if (recent.size() < 3) {
            return DEFAULT_CV;
        }
        double mean = recent.stream().mapToDouble(SpendHistory.Day::cents).average().orElse(0);
        if (mean <= 0) {
            return DEFAULT_CV;
        }
        double variance = recent.stream().mapToDouble(d -> (d.cents() - mean) * (d.cents() - mean)).sum()
                / (recent.size() - 1);
        return Math.max(MIN_CV, Math.sqrt(variance) / mean);
    }
}
