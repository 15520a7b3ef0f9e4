package org.costobservatory.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rows of one bucket with the same key are one line item; {@link CostDay} and {@link UsageBucket} add them up. */
class BucketMergeTest {
    private static final LocalDate DAY = LocalDate.parse("2026-08-10");
    private static final Instant HOUR = Instant.parse("2026-08-10T14:00:00Z");

    private static CostRow cost(String workspace, String model, String cents) {
        return new CostRow(DAY, workspace, "Claude Usage - Output Tokens", "tokens", model, "standard",
                "output_tokens", "0-200k", "global", "USD", new BigDecimal(cents));
    }

    private static UsageRow usage(String key, long uncached, long read, long write5m, long write1h, long output,
                                  long searches) {
        return new UsageRow(HOUR, "wrkspc_a", key, "claude-sonnet-4-6", "standard", "0-200k", uncached, read, write5m,
                write1h, output, searches);
    }

    @Test
    void costRowsWithTheSameKeyAreAddedUpToTheCentAndOthersKept() {
        CostDay day = new CostDay(DAY, List.of(cost(null, "claude-opus-4-6", "100.5"),
                cost("wrkspc_a", "claude-opus-4-6", "7"), cost(null, "claude-opus-4-6", "0.25"),
                cost(null, "claude-opus-4-6", "0.000001")));

        assertThat(day.rows()).hasSize(2);
        assertThat(day.rows().get(0).workspaceId()).isEqualTo("default");
        assertThat(day.rows().get(0).amountCents()).isEqualByComparingTo("100.750001");
        assertThat(day.rows().get(1).amountCents()).isEqualByComparingTo("7");
        assertThat(day.totalCents()).isEqualByComparingTo("107.750001");
    }

    @Test
    void usageRowsWithTheSameKeyAddEveryCount() {
        UsageBucket bucket = new UsageBucket(HOUR, HOUR.plusSeconds(3600), List.of(
                usage("apikey_1", 1, 2, 3, 4, 5, 6), usage("apikey_2", 100, 0, 0, 0, 0, 0),
                usage("apikey_1", 10, 20, 30, 40, 50, 60)));

        assertThat(bucket.rows()).containsExactly(usage("apikey_1", 11, 22, 33, 44, 55, 66),
                usage("apikey_2", 100, 0, 0, 0, 0, 0));
    }

    @Test
    void addingUpCountsThatOverflowIsRefused() {
        assertThatThrownBy(() -> new UsageBucket(HOUR, HOUR.plusSeconds(3600), List.of(
                usage("apikey_1", Long.MAX_VALUE, 0, 0, 0, 0, 0), usage("apikey_1", 1, 0, 0, 0, 0, 0))))
                .isInstanceOf(ArithmeticException.class);
    }
}
