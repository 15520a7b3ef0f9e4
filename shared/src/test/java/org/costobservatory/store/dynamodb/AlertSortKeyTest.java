package org.costobservatory.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.costobservatory.api.BudgetJson;
import org.costobservatory.domain.Budget;
import org.junit.jupiter.api.Test;

/**
 * Security F10: an alert's sort key names exactly one threshold. The API bounds thresholds to at most 3 decimals and
 * 10000 (F1), the key shows 3 decimals, so a key reads back as its threshold and two thresholds never share a key.
 */
class AlertSortKeyTest {
    private static final String PREFIX = "team#2026-11-01#";

    @Provide
    Arbitrary<BigDecimal> thresholds() {
        // every value the API accepts: more than 0, at most 10000, up to 3 decimals
        return Arbitraries.longs().between(1, 10_000_000).map(thousandths -> BigDecimal.valueOf(thousandths, 3));
    }

    private static BigDecimal thresholdOf(String key) {
        assertThat(key).startsWith(PREFIX);
        return new BigDecimal(key.substring(PREFIX.length()));
    }

    @Property(seed = "1315", tries = 2000)
    void aKeyReadsBackAsItsThreshold(@ForAll("thresholds") BigDecimal threshold) {
        assertThat(thresholdOf(DynamoDbAlertStore.sortKey("team", "2026-11-01", threshold)))
                .isEqualByComparingTo(threshold);
    }

    @Property(seed = "1315", tries = 2000)
    void twoThresholdsNeverShareAKeyAndKeysSortAsThresholds(@ForAll("thresholds") BigDecimal a,
                                                           @ForAll("thresholds") BigDecimal b) {
        String keyA = DynamoDbAlertStore.sortKey("team", "2026-11-01", a);
        String keyB = DynamoDbAlertStore.sortKey("team", "2026-11-01", b);
        assertThat(keyA.equals(keyB)).isEqualTo(a.compareTo(b) == 0);
        assertThat(Integer.signum(keyA.compareTo(keyB))).isEqualTo(a.compareTo(b));
    }

    @Test
    void thresholdsThatDifferInTheirThirdDecimalAlertApart() {
        // GIVEN a budget whose thresholds differ only in the third decimal, read as the API reads it
        Budget budget = BudgetJson.fromJson("team", ("{\"limit_usd\": 100, \"period\": \"monthly\", "
                + "\"thresholds_percent\": [33.333, 33.334, \"99.999\", 10000]}").getBytes(StandardCharsets.UTF_8));

        // THEN each has its own key, which reads back exactly
        List<String> keys = budget.thresholdsPercent().stream()
                .map(t -> DynamoDbAlertStore.sortKey("team", "2026-11-01", t)).toList();
        assertThat(keys).containsExactly(PREFIX + "00033.333", PREFIX + "00033.334", PREFIX + "00099.999",
                PREFIX + "10000.000");
    }

    @Test
    void aThresholdTheKeyCannotShowExactlyIsRefusedInsteadOfRounded() {
        // 33.3334 would have been stored as 33.333, colliding with a threshold of 33.333
        assertThatThrownBy(() -> DynamoDbAlertStore.sortKey("team", "2026-11-01", new BigDecimal("33.3334")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 3 decimals");
        assertThatThrownBy(() -> DynamoDbAlertStore.sortKey("team", "2026-11-01", new BigDecimal("100000")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEdgesOfTheRange() {
        assertThat(DynamoDbAlertStore.sortKey("team", "2026-11-01", new BigDecimal("99999.999")))
                .isEqualTo("team#2026-11-01#99999.999");
        assertThat(DynamoDbAlertStore.sortKey("team", "2026-11-01", new BigDecimal("0.001")))
                .isEqualTo("team#2026-11-01#00000.001");
        assertThatThrownBy(() -> DynamoDbAlertStore.sortKey("team", "2026-11-01", BigDecimal.ZERO))
                .hasMessageContaining("more than 0").hasMessageContaining("got 0");
        assertThatThrownBy(() -> DynamoDbAlertStore.sortKey("team", "2026-11-01", new BigDecimal("-5")))
                .hasMessageContaining("got -5");
    }
}
