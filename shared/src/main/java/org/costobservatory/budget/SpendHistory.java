package org.costobservatory.budget;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.HourSpend;

/**
 * A budget scope's spend on the complete UTC days before the newest stored data, as a forecast reads it: each day's
 * total (the same settled + provisional arithmetic as the headroom answer, so a forecast and an answer never
 * disagree on a day) and, per weekday, how a day's spend spreads over its UTC hours (from the hourly usage).
 * Days start at the first day the scope has any rollup; a later day without one spent nothing.
 */
public final class SpendHistory {
    /** How far back a forecast looks: eight weeks, so each weekday is seen eight times. */
    public static final int DAYS = 56;
    /** A weekday's own hourly profile is used once it has been seen this often; before that, all days pooled. */
    private static final int PROFILE_DAYS = 2;

    /** One complete UTC day: what the scope spent, in cents. */
    public record Day(LocalDate date, double cents) {
    }

    private final List<Day> days;
    private final double[][] shares;

    SpendHistory(List<Day> days, double[][] shares) {
        this.days = List.copyOf(days);
        this.shares = shares;
    }

    public static SpendHistory empty() {
        return new SpendHistory(List.of(), uniform());
    }

    /** The complete days, oldest first. */
    public List<Day> days() {
        return days;
    }

    /** The share of a {@code day}'s spend that falls in UTC hour {@code hour}; the 24 shares of a weekday sum to 1. */
    public double share(DayOfWeek day, int hour) {
        return shares[day.getValue() - 1][hour];
    }

    /** The first day a forecast made after {@code lastCompleteDay} reads. */
    public static LocalDate firstDay(LocalDate lastCompleteDay) {
        return lastCompleteDay.minusDays(DAYS - 1);
    }

    /**
     * @param rollups         the scope's rollups for {@code firstDay(lastCompleteDay)..lastCompleteDay}
     * @param settledThrough  the cost report's last stored day (ignored for API-key budgets, which are estimated)
     */
    public static SpendHistory of(Budget budget, Collection<DailySpend> rollups, LocalDate lastCompleteDay,
                                  Optional<LocalDate> settledThrough) {
        LocalDate first = firstDay(lastCompleteDay);
        Map<LocalDate, DailySpend> byDate = new HashMap<>();
        for (DailySpend day : rollups) {
            if (!day.date().isBefore(first) && !day.date().isAfter(lastCompleteDay)) {
                byDate.put(day.date(), day);
            }
        }
        PeriodWindow window = new PeriodWindow(first.atStartOfDay(ZoneOffset.UTC),
                lastCompleteDay.plusDays(1).atStartOfDay(ZoneOffset.UTC));
        Optional<LocalDate> settled = budget.scope().estimated() ? Optional.empty() : settledThrough;
        Spend spend = SpendCalculator.calculate(budget, window, byDate, settled, Optional.empty());
        Map<LocalDate, BigDecimal> totals = new HashMap<>();
        spend.days().forEach(day -> totals.put(day.date(), day.totalCents()));
        List<Day> days = new ArrayList<>();
        Optional<LocalDate> start = spend.days().stream().map(Spend.DaySpend::date).min(LocalDate::compareTo);
        if (start.isPresent()) {
            for (LocalDate date = start.get(); !date.isAfter(lastCompleteDay); date = date.plusDays(1)) {
                days.add(new Day(date, totals.getOrDefault(date, BigDecimal.ZERO).doubleValue()));
            }
        }
        return new SpendHistory(days, hourShares(budget.scope(), byDate.values()));
    }

    /** Per weekday, the share of each UTC hour in the day's usage; a weekday seen too rarely borrows all days'. */
    private static double[][] hourShares(BudgetScope scope, Collection<DailySpend> rollups) {
        double[][] sums = new double[7][24];
        int[] seen = new int[7];
        double[] pooled = new double[24];
        for (DailySpend day : rollups) {
            if (scope.apiKeyId().isPresent() && scope.workspaceId().isPresent() && day.workspaceId().isPresent()
                    && !day.workspaceId().get().equals(scope.workspaceId().get())) {
                continue;
            }
            int weekday = day.date().getDayOfWeek().getValue() - 1;
            double dayTotal = 0;
            for (Map.Entry<Integer, Map<String, HourSpend>> hour : day.usageByHour().entrySet()) {
                double cents = 0;
                for (Map.Entry<String, HourSpend> model : hour.getValue().entrySet()) {
                    if (scope.matchesModel(model.getKey())) {
                        cents += model.getValue().cents().doubleValue();
                    }
                }
                sums[weekday][hour.getKey()] += cents;
                pooled[hour.getKey()] += cents;
                dayTotal += cents;
            }
            if (dayTotal > 0) {
                seen[weekday]++;
            }
        }
        double[][] shares = new double[7][];
        double[] pooledShares = normalised(pooled);
        for (int weekday = 0; weekday < 7; weekday++) {
            shares[weekday] = seen[weekday] >= PROFILE_DAYS ? normalised(sums[weekday]) : pooledShares;
        }
        return shares;
    }

    private static double[] normalised(double[] values) {
        double total = 0;
        for (double value : values) {
            total += value;
        }
        double[] result = new double[24];
        for (int hour = 0; hour < 24; hour++) {
            result[hour] = total > 0 ? values[hour] / total : 1.0 / 24;
        }
        return result;
    }

    private static double[][] uniform() {
        double[][] shares = new double[7][24];
        for (double[] day : shares) {
            java.util.Arrays.fill(day, 1.0 / 24);
        }
        return shares;
    }

    /** For tests and the backtest: a history from plain daily totals with a flat hourly profile. */
    public static SpendHistory ofDays(List<Day> days) {
        return new SpendHistory(days, uniform());
    }
}
