package org.costobservatory.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.UsageRow;
import org.junit.jupiter.api.Test;

/** What a settled day teaches, from the cost report's structured fields against the usage report's token counts. */
class CalibrationLearnerTest {
    private static final LocalDate DAY = LocalDate.parse("2026-11-09");
    private static final Instant HOUR = Instant.parse("2026-11-09T13:00:00Z");
    private final UsagePricer pricer = new UsagePricer(PriceTable.bundled());

    private static CostRow billed(String workspace, String model, String tier, String tokenType, String geo,
                                  String cents) {
        // The description is deliberately misleading: only the structured fields may be read.
        return new CostRow(DAY, workspace, "Claude Mystery - Output Tokens (US) 50% off", "tokens", model, tier,
                tokenType, "0-200k", geo, "USD", new BigDecimal(cents));
    }

    private static UsageRow used(String workspace, String key, String model, String tier, long input, long output) {
        return new UsageRow(HOUR, workspace, key, model, tier, "0-200k", input, 0, 0, 0, output, 0);
    }

    private Calibration learn(List<CostRow> cost, List<UsageRow> usage) {
        CalibrationLearner learner = new CalibrationLearner(pricer);
        learner.addDay(DAY, cost, usage);
        return learner.learn(DAY.minusDays(6), DAY);
    }

    private static CalibrationKey key(String workspace, String model, String tier) {
        return new CalibrationKey(workspace, model, tier, "0-200k");
    }

    @Test
    void geographiesAndApiKeysOfOneKeyArePooled() {
        // 1M input tokens over two API keys; the bill splits them into a global and a US-only line
        Calibration learned = learn(List.of(
                        billed("wrkspc_a", "claude-opus-4-6", "standard", "uncached_input_tokens", "global", "250"),
                        billed("wrkspc_a", "claude-opus-4-6", "standard", "uncached_input_tokens", "us", "275")),
                List.of(used("wrkspc_a", "apikey_1", "claude-opus-4-6", "standard", 600_000, 0),
                        used("wrkspc_a", "apikey_2", "claude-opus-4-6", "standard", 400_000, 0)));

        CalibratedPrice price = learned.price(key("wrkspc_a", "claude-opus-4-6", "standard")).orElseThrow();
        assertThat(price.rate(TokenType.UNCACHED_INPUT)).isEqualByComparingTo("5.25");
        assertThat(price.ratioToList()).isEqualByComparingTo("1.05");
        assertThat(price.learned().get(TokenType.UNCACHED_INPUT).tokens()).isEqualTo(1_000_000);
        // a kind never billed follows the ratio: output at list $25 x 1.05
        assertThat(price.rate(TokenType.OUTPUT)).isEqualByComparingTo("26.25");
        assertThat(price.days()).containsExactly(DAY);
    }

    @Test
    void tooFewTokensTeachNothing() {
        Calibration learned = learn(List.of(billed("default", "claude-opus-4-6", "standard", "output_tokens",
                "global", "0.2")), List.of(used(null, "apikey_1", "claude-opus-4-6", "standard", 0,
                CalibrationLearner.MIN_TOKENS - 1)));
        assertThat(learned.prices()).isEmpty();
        assertThat(learned.isEmpty()).isTrue();
    }

    @Test
    void aPriceIsNeverLearnedAsZero() {
        Calibration learned = learn(List.of(billed("default", "claude-opus-4-6", "standard", "output_tokens",
                "global", "0")), List.of(used(null, "apikey_1", "claude-opus-4-6", "standard", 0, 1_000_000)));
        assertThat(learned.prices()).isEmpty();
    }

    @Test
    void usageWithoutABilledLineAndBilledLinesWithoutUsageTeachNothing() {
        Calibration learned = learn(List.of(
                        billed("default", "claude-sonnet-4-6", "standard", "output_tokens", "global", "1500")),
                List.of(used(null, "apikey_1", "claude-opus-4-6", "priority", 0, 1_000_000),
                        used("wrkspc_other", "apikey_2", "claude-sonnet-4-6", "standard", 0, 1_000_000)));
        assertThat(learned.prices()).isEmpty();
        assertThat(learned.model("claude-opus-4-6")).isEmpty();
    }

    @Test
    void aModelsRatioCoversEveryKeyItWasLearnedOn() {
        Calibration learned = learn(List.of(
                        billed("wrkspc_a", "claude-sonnet-4-6", "standard", "output_tokens", "global", "1200"),
                        billed("wrkspc_b", "claude-sonnet-4-6", "batch", "output_tokens", "global", "600")),
                List.of(used("wrkspc_a", "apikey_1", "claude-sonnet-4-6", "standard", 0, 1_000_000),
                        used("wrkspc_b", "apikey_2", "claude-sonnet-4-6", "batch", 0, 1_000_000)));
        // list: $15 + $7.50 for the two million output tokens; billed $12 + $6
        ModelRatio ratio = learned.model("claude-sonnet-4-6").orElseThrow();
        assertThat(ratio.ratioToList()).isEqualByComparingTo("0.8");
        assertThat(ratio.billedCents()).isEqualByComparingTo("1800");
        assertThat(ratio.listCents()).isEqualByComparingTo("2250");
        assertThat(learned.price(key("wrkspc_b", "claude-sonnet-4-6", "batch")).orElseThrow()
                .rate(TokenType.OUTPUT)).isEqualByComparingTo("6");
    }

    @Test
    void costsWithoutATokenTypeAreLeftToTheirOwnPrice() {
        CostRow search = new CostRow(DAY, null, "Web Search Usage", "web_search", null, null, null, null, null,
                "USD", new BigDecimal("500"));
        Calibration learned = learn(List.of(search), List.of(new UsageRow(HOUR, null, null, "claude-opus-4-6",
                "standard", "0-200k", 0, 0, 0, 0, 0, 500)));
        assertThat(learned.prices()).isEmpty();
        assertThat(learned.windowTo()).isEqualTo(Optional.of(DAY));
    }
}
