package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.pricing.PriceBasis;
import org.junit.jupiter.api.Test;

/** Small parts of an answer: which models are priced how, and when a forecast counts as reaching the limit. */
class AnswerPartsTest {
    @Test
    void eachModelIsListedUnderItsPriceBasisInNameOrder() {
        ModelPricing pricing = ModelPricing.of(Map.of("claude-sonnet-4-6", PriceBasis.CALIBRATED,
                "claude-opus-4-6", PriceBasis.CALIBRATED, "claude-haiku-4-5", PriceBasis.LIST,
                "claude-haiku-5-6", PriceBasis.UNPRICED));

        assertThat(pricing.calibratedModels()).containsExactly("claude-opus-4-6", "claude-sonnet-4-6");
        assertThat(pricing.listPricedModels()).containsExactly("claude-haiku-4-5");
        assertThat(pricing.unpricedModels()).containsExactly("claude-haiku-5-6");
        assertThat(ModelPricing.unpricedOnly(List.of("claude-haiku-5-6"))).isEqualTo(new ModelPricing(List.of(),
                List.of(), List.of("claude-haiku-5-6")));
    }

    @Test
    void aForecastOfExactlyTheLimitReachesIt() {
        Forecast forecast = new Forecast(Forecast.RUN_RATE, Optional.of(new BigDecimal("100.00")),
                Optional.of(new BigDecimal("90.00")), Optional.of(new BigDecimal("110.00")),
                Optional.of(Instant.parse("2026-11-30T00:00:00Z")), 3);

        assertThat(forecast.reaches(new BigDecimal("100"))).isTrue();
        assertThat(forecast.reaches(new BigDecimal("100.01"))).isFalse();
        assertThat(Forecast.none(3).reaches(BigDecimal.ONE)).isFalse();
    }

    @Test
    void aSpendAndItsAnswerKeepThePricingTheyWereGiven() {
        ModelPricing pricing = new ModelPricing(List.of("claude-opus-4-6"), List.of("claude-haiku-4-5"), List.of());
        Budget budget = new Budget("b", new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty());
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        Spend spend = new Spend(budget.currentPeriod(now), new BigDecimal("100"), BigDecimal.ZERO, BigDecimal.ZERO,
                Optional.empty(), Optional.of(now), Spend.BASIS_COST_REPORT, List.of(), false, List.of(), Map.of(),
                pricing);

        assertThat(spend.pricing()).isEqualTo(pricing);
        assertThat(HeadroomService.decide(budget, spend, BigDecimal.ZERO, now, Duration.ofHours(3)).pricing())
                .isEqualTo(pricing);
    }
}
