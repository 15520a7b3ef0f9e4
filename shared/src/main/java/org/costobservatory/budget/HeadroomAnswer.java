package org.costobservatory.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.PeriodWindow;

/**
 * The answer to "may I start this run?" for one budget. Money is USD rounded to cents;
 * {@code spentUsd == settledUsd + provisionalUsd} and
 * {@code remainingUsd == limit - (spentUsd + heldUsd + recentUsd + estimateUsd)} hold exactly.
 * The forecast informs; it never changes the decision.
 *
 * @param heldUsd   the active holds against the budget
 * @param recentUsd the costs settled runs reported that stored usage does not cover yet
 */
public record HeadroomAnswer(Budget budget, Decision decision, BigDecimal spentUsd, BigDecimal settledUsd,
                             BigDecimal priorityTierUsd, BigDecimal provisionalUsd, BigDecimal estimateUsd,
                             BigDecimal remainingUsd, BigDecimal percentUsed, BigDecimal percentWithEstimate,
                             PeriodWindow period, Optional<LocalDate> settledThrough, Optional<Instant> dataAsOf,
                             boolean stale, List<BigDecimal> thresholdsCrossed, String basis,
                             List<String> unpricedModels, boolean apportioned, ModelPricing pricing,
                             BigDecimal heldUsd, BigDecimal recentUsd, Forecast forecast) {

    public HeadroomAnswer {
        thresholdsCrossed = List.copyOf(thresholdsCrossed);
        unpricedModels = List.copyOf(unpricedModels);
        pricing = pricing == null ? ModelPricing.unpricedOnly(unpricedModels) : pricing;
        forecast = forecast == null ? Forecast.none(0) : forecast;
    }

    public HeadroomAnswer withForecast(Forecast value) {
        return new HeadroomAnswer(budget, decision, spentUsd, settledUsd, priorityTierUsd, provisionalUsd,
                estimateUsd, remainingUsd, percentUsed, percentWithEstimate, period, settledThrough, dataAsOf, stale,
                thresholdsCrossed, basis, unpricedModels, apportioned, pricing, heldUsd, recentUsd, value);
    }
}
