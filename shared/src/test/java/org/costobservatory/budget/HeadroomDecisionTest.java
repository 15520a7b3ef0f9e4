package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeadroomDecisionTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    private static HeadroomAnswer answer(String spentCents, String estimate, String dataAsOf) {
        Budget budget = new Budget("b", new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneId.of("UTC"),
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty());
        Spend spend = new Spend(budget.currentPeriod(NOW), new BigDecimal(spentCents), BigDecimal.ZERO,
                BigDecimal.ZERO, Optional.of(LocalDate.parse("2026-11-23")), Optional.of(Instant.parse(dataAsOf)),
                Spend.BASIS_COST_REPORT, List.of(), false);
        return HeadroomService.decide(budget, spend, new BigDecimal(estimate), NOW, Duration.ofHours(3));
    }

    @ParameterizedTest(name = "spent {0}c + estimate ${1} -> {2}")
    @CsvSource({
            "0,0,allow",
            "7499,0,allow",
            "7500,0,warn",          // exactly warn_percent
            "7000,5,warn",          // the estimate pushes it to 75 %
            "9999,0,warn",
            "10000,0,deny",         // exactly the limit
            "9000,10,deny",         // spent + estimate reaches the limit
            "12000,0,deny"})
    void decidesFromSpentPlusEstimate(String spentCents, String estimate, String decision) {
        assertThat(answer(spentCents, estimate, "2026-11-24T10:00:00Z").decision().id()).isEqualTo(decision);
    }

    @ParameterizedTest(name = "data as of {0}: stale={1}, decision {2}")
    @CsvSource({"2026-11-24T07:30:00Z,false,allow", "2026-11-24T07:29:59Z,true,warn"})
    void aStaleAllowBecomesWarn(String dataAsOf, boolean stale, String decision) {
        HeadroomAnswer answer = answer("1000", "0", dataAsOf);
        assertThat(answer.stale()).isEqualTo(stale);
        assertThat(answer.decision().id()).isEqualTo(decision);
    }

    @ParameterizedTest(name = "spent {0}c crosses {1}")
    @CsvSource({"4999,''", "5000,50", "7500,50 75", "10000,50 75 100", "25000,50 75 100"})
    void thresholdsAreCrossedExactlyAtTheirBoundary(String spentCents, String crossed) {
        List<String> expected = crossed.isEmpty() ? List.of() : List.of(crossed.split(" "));
        assertThat(answer(spentCents, "0", "2026-11-24T10:00:00Z").thresholdsCrossed())
                .extracting(BigDecimal::toPlainString).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @CsvSource({"12000,-20.00,120.00", "3333,66.67,33.33"})
    void remainingMayBeNegativeAndPercentIsExactToTwoDecimals(String spentCents, String remaining, String percent) {
        HeadroomAnswer answer = answer(spentCents, "0", "2026-11-24T10:00:00Z");
        assertThat(answer.remainingUsd()).isEqualByComparingTo(remaining);
        assertThat(answer.percentUsed()).isEqualByComparingTo(percent);
    }

    @ParameterizedTest(name = "spent {0}c + held ${1} + recent ${2} + estimate ${3} -> {4}, remaining {5}")
    @CsvSource({
            "5000,10,5,0,allow,35.00",
            "5000,20,5,0,warn,25.00",       // holds push it to 75 %
            "5000,40,5,5,deny,0.00",        // exactly the limit with everything committed
            "5000,0,49.99,0,warn,0.01",
            "5000,0,50,0,deny,0.00"})
    void holdsAndRecentRunsCountLikeSpend(String spentCents, String held, String recent, String estimate,
                                          String decision, String remaining) {
        Budget budget = new Budget("b", new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneId.of("UTC"),
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty());
        Spend spend = new Spend(budget.currentPeriod(NOW), new BigDecimal(spentCents), BigDecimal.ZERO,
                BigDecimal.ZERO, Optional.of(LocalDate.parse("2026-11-23")),
                Optional.of(Instant.parse("2026-11-24T10:00:00Z")), Spend.BASIS_COST_REPORT, List.of(), false);
        HeadroomAnswer answer = HeadroomService.decide(budget, spend, new BigDecimal(held), new BigDecimal(recent),
                new BigDecimal(estimate), NOW, Duration.ofHours(3));
        assertThat(answer.decision().id()).isEqualTo(decision);
        assertThat(answer.remainingUsd()).isEqualByComparingTo(remaining);
        assertThat(answer.thresholdsCrossed()).as("thresholds follow spend only")
                .containsExactly(new BigDecimal("50"));
    }
}
