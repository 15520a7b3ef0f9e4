package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.store.HoldLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a ledger counts, decided by time alone. */
class HoldRulesTest {
    static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    static final PeriodWindow NOVEMBER = BudgetPeriod.MONTHLY.containing(NOW, ZoneOffset.UTC);

    static HoldLedger ledger() {
        return new HoldLedger("b", 3, Map.of(
                "hold_a", new HoldLedger.Held("hold_a", "run-a", new BigDecimal("2.50"), NOW.minusSeconds(600),
                        NOW.plusSeconds(1), Optional.empty()),
                "hold_b", new HoldLedger.Held("hold_b", "run-b", new BigDecimal("4.00"), NOW.minusSeconds(900),
                        NOW, Optional.of("nightly"))),
                Map.of(
                "hold_c", new HoldLedger.Recent("hold_c", "run-c", new BigDecimal("1.84"),
                        Instant.parse("2026-11-24T10:20:00Z")),
                "hold_d", new HoldLedger.Recent("hold_d", "run-d", new BigDecimal("3.00"),
                        Instant.parse("2026-11-24T09:59:59Z")),
                "hold_e", new HoldLedger.Recent("hold_e", "run-e", new BigDecimal("7.00"),
                        Instant.parse("2026-10-31T23:50:00Z"))));
    }

    @Test
    void aHoldCountsUntilTheInstantItExpires() {
        assertThat(HoldRules.heldUsd(ledger(), NOW)).as("hold_b expires exactly now").isEqualByComparingTo("2.50");
        assertThat(HoldRules.heldUsd(ledger(), NOW.minusNanos(1))).isEqualByComparingTo("6.50");
        assertThat(HoldRules.expired(ledger(), NOW)).containsExactly("hold_b");
    }

    @Test
    void aSettledRunCountsInItsPeriodUntilUsageIsStoredPastItsEnd() {
        // usage stored through 10:00: the run that ended at 09:59:59 is in it, the one at 10:20 is not
        Optional<Instant> through = Optional.of(Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(HoldRules.recentUsd(ledger(), NOVEMBER, through)).isEqualByComparingTo("1.84");
        assertThat(HoldRules.finished(ledger(), NOVEMBER, through)).containsExactly("hold_d", "hold_e");
        assertThat(HoldRules.recentUsd(ledger(), NOVEMBER, Optional.empty())).as("no usage stored at all")
                .isEqualByComparingTo("4.84");
        assertThat(HoldRules.recentUsd(ledger(), NOVEMBER, Optional.of(Instant.parse("2026-11-24T11:00:00Z"))))
                .isEqualByComparingTo("0");
        assertThat(HoldRules.liveEntries(ledger(), NOVEMBER, through, NOW)).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "5|5",
            "1 2 3 4 5|5",
            "1 2 3 4 5 6 7 8 9 10|9",
            "10 9 8 7 6 5 4 3 2 1 0.5|9",
            "2.50 2.50 2.50 2.50 2.50 2.50 2.50 2.50 2.50 99|2.50"})
    void theNinetiethPercentileIsTheNearestRank(String costs, String expected) {
        List<BigDecimal> values = java.util.Arrays.stream(costs.split(" ")).map(BigDecimal::new).toList();
        assertThat(HoldRules.percentile90(values)).isEqualByComparingTo(expected);
    }
}
