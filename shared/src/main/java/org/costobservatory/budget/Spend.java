package org.costobservatory.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.PeriodWindow;

/**
 * A budget's spend for its current period, in exact cents.
 *
 * @param settledCents      cost-report amounts for complete UTC days in the period (apportioned at the edges of a
 *                          non-UTC period), Priority Tier estimate included
 * @param priorityCents     the Priority Tier part of {@code settledCents}: usage at list price, because the cost
 *                          report omits Priority Tier
 * @param provisionalCents  usage for hours after the last settled day, at learned prices where known, else list
 * @param settledThrough    the last UTC day the cost report is stored for
 * @param dataAsOf          the end of the newest stored usage hour
 * @param basis             {@code cost_report} or {@code estimated} (API-key budgets: no settled part exists)
 * @param unpricedModels    models counted at the most expensive known price because they have none
 * @param apportioned       true when partial UTC days at a non-UTC period edge were split by hourly usage
 * @param days              the same spend per UTC day of the period, oldest first
 * @param byModelCents      the same spend per model ("none" for costs without a model)
 * @param pricing           which price the provisional usage of each model rests on ({@code unpricedModels} is its
 *                          unpriced list)
 */
public record Spend(PeriodWindow period, BigDecimal settledCents, BigDecimal priorityCents,
                    BigDecimal provisionalCents, Optional<LocalDate> settledThrough, Optional<Instant> dataAsOf,
                    String basis, List<String> unpricedModels, boolean apportioned, List<DaySpend> days,
                    Map<String, BigDecimal> byModelCents, ModelPricing pricing) {

    /** One UTC day's part of the period's spend (settled includes that day's Priority Tier estimate). */
    public record DaySpend(LocalDate date, BigDecimal settledCents, BigDecimal provisionalCents) {
        public BigDecimal totalCents() {
            return settledCents.add(provisionalCents);
        }
    }

    public static final String BASIS_COST_REPORT = "cost_report";
    public static final String BASIS_ESTIMATED = "estimated";

    public Spend {
        unpricedModels = List.copyOf(unpricedModels);
        days = List.copyOf(days);
        byModelCents = Map.copyOf(byModelCents);
        pricing = pricing == null ? ModelPricing.unpricedOnly(unpricedModels) : pricing;
    }

    public Spend(PeriodWindow period, BigDecimal settledCents, BigDecimal priorityCents, BigDecimal provisionalCents,
                 Optional<LocalDate> settledThrough, Optional<Instant> dataAsOf, String basis,
                 List<String> unpricedModels, boolean apportioned, List<DaySpend> days,
                 Map<String, BigDecimal> byModelCents) {
        this(period, settledCents, priorityCents, provisionalCents, settledThrough, dataAsOf, basis, unpricedModels,
                apportioned, days, byModelCents, ModelPricing.unpricedOnly(unpricedModels));
    }

    public Spend(PeriodWindow period, BigDecimal settledCents, BigDecimal priorityCents, BigDecimal provisionalCents,
                 Optional<LocalDate> settledThrough, Optional<Instant> dataAsOf, String basis,
                 List<String> unpricedModels, boolean apportioned) {
        this(period, settledCents, priorityCents, provisionalCents, settledThrough, dataAsOf, basis, unpricedModels,
                apportioned, List.of(), Map.of());
    }

    public BigDecimal totalCents() {
        return settledCents.add(provisionalCents);
    }
}
