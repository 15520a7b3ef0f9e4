package org.costobservatory.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import org.costobservatory.domain.UsageRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsagePricerTest {
    private final UsagePricer pricer = new UsagePricer(PriceTable.bundled());

    private static UsageRow row(String at, String model, String tier, String window, long uncached, long read,
                                long write5m, long write1h, long output, long searches) {
        return new UsageRow(Instant.parse(at), null, null, model, tier, window, uncached, read, write5m, write1h,
                output, searches);
    }

    @Test
    void pricesEveryTokenKindAtItsRate() {
        // Sonnet 4.5 on 2026-08-11, from the reference's worked example: 120.6 + 132 + 39.9 + 35.625 + 3 cents
        UsageRow usage = row("2026-08-11T00:00:00Z", "claude-sonnet-4-5-20250929", "standard", "0-200k",
                402_000, 1_330_000, 95_000, 0, 88_000, 3);
        PricedUsage price = pricer.price(usage);
        assertThat(price.cents()).isEqualByComparingTo("331.125");
        assertThat(price.pricedAs()).isEqualTo("claude-sonnet-4-5");
        assertThat(price.unpriced()).isFalse();
    }

    @Test
    void oneHourCacheWritesCostTwiceTheInputPrice() {
        UsageRow usage = row("2026-08-10T00:00:00Z", "claude-haiku-4-5-20251001", "standard", "0-200k",
                0, 0, 0, 200_000, 0, 0);
        assertThat(pricer.price(usage).cents()).isEqualByComparingTo("40");
    }

    @Test
    void batchHalvesTokenCostsButNotWebSearch() {
        UsageRow usage = row("2026-08-10T00:00:00Z", "claude-opus-4-5-20251101", "batch", "0-200k",
                2_000_000, 0, 0, 0, 400_000, 10);
        // (2e6 * 5 + 4e5 * 25) / 1e4 = 2000 cents, halved = 1000, plus 10 searches = 10 cents
        assertThat(pricer.price(usage).cents()).isEqualByComparingTo("1010");
    }

    @Test
    void longContextUsesThePremiumRateWhileItApplied() {
        UsageRow february = row("2026-02-20T00:00:00Z", "claude-opus-4-6", "standard", "200k-1M",
                1_000_000, 0, 0, 0, 0, 0);
        UsageRow april = row("2026-04-20T00:00:00Z", "claude-opus-4-6", "standard", "200k-1M",
                1_000_000, 0, 0, 0, 0, 0);
        assertThat(pricer.price(february).cents()).isEqualByComparingTo("1000");
        assertThat(pricer.price(april).cents()).isEqualByComparingTo("500");
    }

    @Test
    void anUnknownModelIsPricedAsTheMostExpensiveKnownOneNeverAsZero() {
        UsageRow usage = row("2026-11-24T00:00:00Z", "claude-nova-9", "standard", "0-200k", 1_000_000, 0, 0, 0,
                0, 0);
        PricedUsage price = pricer.price(usage);
        assertThat(price.unpriced()).isTrue();
        // the most expensive models in the table are the $15 / $75 Opus generations
        assertThat(price.cents()).isEqualByComparingTo("1500");
        assertThat(price.cents().toString()).isEqualTo("1500");
        assertThat(price.pricedAs()).isIn("claude-3-opus", "claude-opus-4", "claude-opus-4-1");
    }

    @ParameterizedTest
    @CsvSource({"claude-sonnet-4-20250514,claude-sonnet-4", "claude-sonnet-4-5-20250929,claude-sonnet-4-5",
            "claude-sonnet-4-5,claude-sonnet-4-5", "claude-3-5-haiku-20241022,claude-3-5-haiku",
            "claude-opus-4-1-20250805,claude-opus-4-1"})
    void snapshotIdsMatchTheirFamilyOnly(String model, String family) {
        assertThat(PriceTable.bundled().lookup(model, LocalDate.parse("2026-08-10")).orElseThrow().model())
                .isEqualTo(family);
    }

    @Test
    void aBrokenPriceTableIsRefusedWithItsLocation() {
        byte[] json = "{\"batch_multiplier\":\"0.5\",\"web_search_usd_per_1000\":\"10\",\"models\":[{\"model\":\"m\",\"effective_from\":\"2026-01-01\",\"input\":\"x\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PriceTable.parse(json, "test.json")).hasMessageContaining("models[0] (m).input");
    }
}
