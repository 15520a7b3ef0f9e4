package org.costobservatory.budget;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.pricing.PriceBasis;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.HourSpend;
import org.costobservatory.store.SpendStore;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;

/**
 * Spend for a budget's current period = settled + provisional, read from the per-day rollups (never from Anthropic).
 * <ul>
 *   <li>Settled: the cost report's amount for each complete UTC day in the period, plus the Priority Tier usage of
 *       those days at list price (the cost report leaves Priority Tier out).</li>
 *   <li>Provisional: usage for the hours after the last settled day, at the price learned from the bill where there
 *       is one, else at list price (the rollups hold that estimate); {@link Spend#pricing()} says which, by model.</li>
 *   <li>A period in another time zone starts and ends inside UTC days. For such a partial day the settled amount is
 *       split in proportion to the day's hourly usage cost inside the period (by hours when the day had no usage),
 *       and provisional hours count by the fraction of each hour inside the period.</li>
 * </ul>
 */
public final class SpendCalculator {
    private static final BigDecimal HOURS_PER_DAY = BigDecimal.valueOf(24);
    private static final long SECONDS_PER_HOUR = 3600;

    private final SpendStore spend;
    private final WatermarkStore watermarks;

    public SpendCalculator(SpendStore spend, WatermarkStore watermarks) {
        this.spend = Objects.requireNonNull(spend);
        this.watermarks = Objects.requireNonNull(watermarks);
    }

    public Spend spend(Budget budget, Instant now) {
        return spend(budget, now, watermarks.all());
    }

    /** The watermarks as stored now: where settled spend ends and how recent the usage is. */
    public Map<ReportKind, Watermark> watermarks() {
        return watermarks.all();
    }

    /** Spend with watermarks already read (several budgets answered at once share one read). */
    public Spend spend(Budget budget, Instant now, Map<ReportKind, Watermark> marks) {
        PeriodWindow period = budget.currentPeriod(now);
        Optional<Watermark> cost = Optional.ofNullable(marks.get(ReportKind.COST));
        Optional<Watermark> usage = Optional.ofNullable(marks.get(ReportKind.USAGE));
        Optional<LocalDate> settledThrough = budget.scope().estimated()
                ? Optional.empty()
                : cost.map(Watermark::settledThrough);
        LocalDate firstDay = utcDay(period.startInstant());
        LocalDate lastDay = utcDay(period.endInstant().minusNanos(1));
        Map<LocalDate, DailySpend> days = new HashMap<>();
        for (DailySpend day : spend.read(budget.scope().rollupScope(), firstDay, lastDay)) {
            days.put(day.date(), day);
        }
        return calculate(budget, period, days, settledThrough, usage.map(Watermark::storedThrough));
    }

    /** The pure part: spend from rollups already read. */
    public static Spend calculate(Budget budget, PeriodWindow period, Map<LocalDate, DailySpend> days,
                           Optional<LocalDate> settledThrough, Optional<Instant> dataAsOf) {
        BudgetScope scope = budget.scope();
        BigDecimal settled = BigDecimal.ZERO;
        BigDecimal priority = BigDecimal.ZERO;
        BigDecimal provisional = BigDecimal.ZERO;
        boolean apportioned = false;
        Map<String, PriceBasis> pricing = new TreeMap<>();
        List<Spend.DaySpend> perDay = new ArrayList<>();
        Map<String, BigDecimal> byModel = new TreeMap<>();
        LocalDate lastDay = utcDay(period.endInstant().minusNanos(1));
        for (LocalDate date = utcDay(period.startInstant()); !date.isAfter(lastDay); date = date.plusDays(1)) {
            DailySpend day = days.get(date);
            if (day == null || !matchesWorkspace(scope, day)) {
                continue;
            }
            BigDecimal[] weights = hourWeights(date, period);
            boolean whole = isWholeDay(weights);
            boolean settledDay = settledThrough.isPresent() && !date.isAfter(settledThrough.get());
            BigDecimal usageIn = BigDecimal.ZERO;
            BigDecimal usageAll = BigDecimal.ZERO;
            BigDecimal priorityIn = BigDecimal.ZERO;
            Map<String, BigDecimal> usageInByModel = new TreeMap<>();
            Map<String, BigDecimal> priorityInByModel = new TreeMap<>();
            Map<String, PriceBasis> basisIn = new TreeMap<>();
            for (Map.Entry<Integer, Map<String, HourSpend>> hour : day.usageByHour().entrySet()) {
                BigDecimal weight = weights[hour.getKey()];
                for (Map.Entry<String, HourSpend> model : hour.getValue().entrySet()) {
                    if (!scope.matchesModel(model.getKey())) {
                        continue;
                    }
                    HourSpend value = model.getValue();
                    BigDecimal billed = value.cents().subtract(value.priorityCents());
                    usageAll = usageAll.add(billed);
                    if (weight.signum() == 0) {
                        continue;
                    }
                    usageIn = usageIn.add(billed.multiply(weight));
                    priorityIn = priorityIn.add(value.priorityCents().multiply(weight));
                    usageInByModel.merge(model.getKey(), billed.multiply(weight), BigDecimal::add);
                    priorityInByModel.merge(model.getKey(), value.priorityCents().multiply(weight), BigDecimal::add);
                    basisIn.merge(model.getKey(), value.basis(), PriceBasis::worse);
                }
            }
            if (settledDay) {
                Map<String, BigDecimal> dayByModel = settledByModel(scope, day);
                BigDecimal dayAmount = dayByModel.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
                BigDecimal numerator = BigDecimal.ONE;
                BigDecimal denominator = BigDecimal.ONE;
                if (!whole) {
                    apportioned = true;
                    // Multiply before the one division so whole-cent results stay exact.
                    numerator = usageAll.signum() > 0 ? usageIn : sum(weights);
                    denominator = usageAll.signum() > 0 ? usageAll : HOURS_PER_DAY;
                }
                BigDecimal daySettled = BigDecimal.ZERO;
                for (Map.Entry<String, BigDecimal> model : dayByModel.entrySet()) {
                    BigDecimal part = model.getValue().multiply(numerator).divide(denominator, MathContext.DECIMAL128);
                    byModel.merge(model.getKey(), part, BigDecimal::add);
                    daySettled = daySettled.add(part);
                }
                priorityInByModel.forEach((model, cents) -> byModel.merge(model, cents, BigDecimal::add));
                settled = settled.add(daySettled);
                priority = priority.add(priorityIn);
                perDay.add(new Spend.DaySpend(date, daySettled.add(priorityIn), BigDecimal.ZERO));
            } else {
                if (!whole) {
                    apportioned = true;
                }
                usageInByModel.forEach((model, cents) -> byModel.merge(model, cents, BigDecimal::add));
                priorityInByModel.forEach((model, cents) -> byModel.merge(model, cents, BigDecimal::add));
                provisional = provisional.add(usageIn).add(priorityIn);
                basisIn.forEach((model, basis) -> pricing.merge(model, basis, PriceBasis::worse));
                perDay.add(new Spend.DaySpend(date, BigDecimal.ZERO, usageIn.add(priorityIn)));
            }
        }
        String basis = scope.estimated() ? Spend.BASIS_ESTIMATED : Spend.BASIS_COST_REPORT;
        ModelPricing modelPricing = ModelPricing.of(pricing);
        return new Spend(period, settled.add(priority), priority, provisional, settledThrough, dataAsOf, basis,
                modelPricing.unpricedModels(), apportioned, perDay, byModel, modelPricing);
    }

    private static boolean matchesWorkspace(BudgetScope scope, DailySpend day) {
        // An API-key rollup carries its key's workspace; a budget naming both must agree with it.
        return scope.apiKeyId().isEmpty() || scope.workspaceId().isEmpty() || day.workspaceId().isEmpty()
                || day.workspaceId().get().equals(scope.workspaceId().get());
    }

    /** The settled amount of a day by model, for the models the scope counts. */
    private static Map<String, BigDecimal> settledByModel(BudgetScope scope, DailySpend day) {
        Map<String, BigDecimal> result = new TreeMap<>();
        if (day.settledByModel().isEmpty() && scope.model().isEmpty()) {
            day.settledCents().ifPresent(cents -> result.put(Dimensions.NONE, cents));
            return result;
        }
        day.settledByModel().forEach((model, cents) -> {
            if (scope.matchesModel(model)) {
                result.put(model, cents);
            }
        });
        return result;
    }

    /** For each UTC hour of {@code date}, the fraction of it that lies inside the period. */
    static BigDecimal[] hourWeights(LocalDate date, PeriodWindow period) {
        BigDecimal[] weights = new BigDecimal[24];
        Instant dayStart = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        for (int hour = 0; hour < 24; hour++) {
            Instant from = dayStart.plusSeconds(hour * SECONDS_PER_HOUR);
            Instant to = from.plusSeconds(SECONDS_PER_HOUR);
            Instant overlapFrom = from.isAfter(period.startInstant()) ? from : period.startInstant();
            Instant overlapTo = to.isBefore(period.endInstant()) ? to : period.endInstant();
            long seconds = Math.max(0, Duration.between(overlapFrom, overlapTo).getSeconds());
            weights[hour] = seconds == SECONDS_PER_HOUR ? BigDecimal.ONE
                    : BigDecimal.valueOf(seconds).divide(BigDecimal.valueOf(SECONDS_PER_HOUR), MathContext.DECIMAL64);
        }
        return weights;
    }

    private static boolean isWholeDay(BigDecimal[] weights) {
        for (BigDecimal weight : weights) {
            if (weight.compareTo(BigDecimal.ONE) != 0) {
                return false;
            }
        }
        return true;
    }

    private static BigDecimal sum(BigDecimal[] weights) {
        BigDecimal total = BigDecimal.ZERO;
        for (BigDecimal weight : weights) {
            total = total.add(weight);
        }
        return total;
    }

    private static LocalDate utcDay(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate();
    }
}
