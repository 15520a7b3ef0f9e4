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

    /** One hour of every token kind: 1M uncached input, 2M cache reads, 400k 5m writes, 100k 1h writes, 200k output. */
    private static UsageRow everyKind(String at, String model) {
        return row(at, model, "standard", "0-200k", 1_000_000, 2_000_000, 400_000, 100_000, 200_000, 0);
    }

    @ParameterizedTest
    @CsvSource({
            // input + cache read + 5m write + 1h write + output, in cents
            "claude-haiku-5-5, 2026-11-24T10:00:00Z, 29",      // 10 + 2 + 5 + 2 + 10
            "claude-fable-5-1, 2026-11-24T10:00:00Z, 2750",    // 1000 + 50 + 500 + 200 + 1000
            "claude-mythos-5-1, 2026-11-24T10:00:00Z, 2750",
            "claude-fable-5, 2026-11-24T10:00:00Z, 2900",      // cache reads at $1, not $0.25
            "claude-fable-5-2, 2026-11-24T10:00:00Z, 2200",    // 800 + 40 + 400 + 160 + 800
            "claude-opus-5-5, 2026-11-24T10:00:00Z, 1120",     // 400 + 40 + 200 + 80 + 400
            "claude-sonnet-5-5, 2026-10-06T23:00:00Z, 580",    // 200 + 40 + 100 + 40 + 200
            "claude-sonnet-5-5, 2026-10-07T00:00:00Z, 560"})   // cache reads $0.10 from 2026-10-07
    void theNewModelsArePricedAtTheirListRates(String model, String at, String cents) {
        PricedUsage price = pricer.price(everyKind(at, model));
        assertThat(price.cents()).isEqualByComparingTo(cents);
        assertThat(price.unpriced()).isFalse();
        assertThat(price.pricedAs()).isEqualTo(model);
    }

    @Test
    void sonnet55CacheReadsHalveOn2026_10_07() {
        UsageRow before = row("2026-10-06T23:00:00Z", "claude-sonnet-5-5", "standard", "0-200k", 0, 1_000_000, 0, 0,
                0, 0);
        UsageRow after = row("2026-10-07T00:00:00Z", "claude-sonnet-5-5", "standard", "0-200k", 0, 1_000_000, 0, 0,
                0, 0);
        assertThat(pricer.price(before).cents()).isEqualByComparingTo("20");
        assertThat(pricer.price(after).cents()).isEqualByComparingTo("10");
    }

    @Test
    void haiku55IsPricedAsItselfNotAsTheDearestModel() {
        // the headline of issue 9: before Haiku 5.5 was listed, 1M input tokens counted as $15 (Claude 3 Opus)
        UsageRow usage = row("2026-11-24T00:00:00Z", "claude-haiku-5-5", "standard", "0-200k", 1_000_000, 0, 0, 0,
                0, 0);
        assertThat(pricer.price(usage).cents()).isEqualByComparingTo("10");
    }

    @Test
    void anUnlistedHaikuIsPricedAsTheDearestCurrentHaikuNotAsARetiredOpus() {
        UsageRow usage = row("2026-11-24T00:00:00Z", "claude-haiku-5-6", "standard", "0-200k", 1_000_000, 0, 0, 0,
                0, 0);
        PricedUsage price = pricer.price(usage);
        assertThat(price.unpriced()).isTrue();
        assertThat(price.pricedAs()).isEqualTo("claude-haiku-4-5");
        assertThat(price.cents()).isEqualByComparingTo("100");
    }

    @Test
    void anUnknownModelIsPricedAsTheDearestCurrentModelNeverARetiredOneNorZero() {
        UsageRow usage = row("2026-11-24T00:00:00Z", "claude-nova-9", "standard", "0-200k", 1_000_000, 0, 0, 0,
                0, 0);
        PricedUsage price = pricer.price(usage);
        assertThat(price.unpriced()).isTrue();
        // $10 / $50 (Fable 5, cache reads $1), not the retired $15 / $75 Opus generations
        assertThat(price.pricedAs()).isEqualTo("claude-fable-5");
        assertThat(price.cents()).isEqualByComparingTo("1000");
        assertThat(price.cents().toString()).isEqualTo("1000");
    }

    @Test
    void opus41PricesUnlistedOpusModelsUntilItsRetirementDayOnly() {
        UsageRow dayBefore = row("2026-08-04T12:00:00Z", "claude-opus-9", "standard", "0-200k", 1_000_000, 0, 0, 0,
                0, 0);
        UsageRow retirementDay = row("2026-08-05T00:00:00Z", "claude-opus-9", "standard", "0-200k", 1_000_000, 0, 0,
                0, 0, 0);
        assertThat(pricer.price(dayBefore).pricedAs()).isEqualTo("claude-opus-4-1");
        assertThat(pricer.price(dayBefore).cents()).isEqualByComparingTo("1500");
        assertThat(pricer.price(retirementDay).pricedAs()).isEqualTo("claude-opus-4-5");
        assertThat(pricer.price(retirementDay).cents()).isEqualByComparingTo("500");
    }

    @Test
    void anUnlistedSnapshotIsPricedAsItsFamilyNeverAsAShorterListedId() {
        // claude-sonnet-5-7 is not listed: its snapshot must not be read as claude-sonnet-5
        UsageRow usage = row("2026-12-01T00:00:00Z", "claude-sonnet-5-7-20261201", "standard", "0-200k", 1_000_000,
                0, 0, 0, 0, 0);
        PricedUsage price = pricer.price(usage);
        assertThat(price.unpriced()).isTrue();
        // Sonnet 4.5 retired on 2026-11-30, so the dearest current Sonnet is 4.6 at $3
        assertThat(price.pricedAs()).isEqualTo("claude-sonnet-4-6");
        assertThat(price.cents()).isEqualByComparingTo("300");
    }

    @ParameterizedTest
    @CsvSource({"claude-sonnet-4-20250514,claude-sonnet-4", "claude-sonnet-4-5-20250929,claude-sonnet-4-5",
            "claude-sonnet-4-5,claude-sonnet-4-5", "claude-3-5-haiku-20241022,claude-3-5-haiku",
            "claude-opus-4-1-20250805,claude-opus-4-1", "claude-haiku-5-5-20261007,claude-haiku-5-5",
            "claude-fable-5-1-20260901,claude-fable-5-1", "claude-opus-5-20260724,claude-opus-5"})
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

    // ---------------------------------------------------------------- calibrated prices, and the fallback order

    private static CalibratedPrice learnedPrice(CalibrationKey key, String input, String output) {
        java.util.Map<TokenType, java.math.BigDecimal> rates = new java.util.EnumMap<>(TokenType.class);
        for (TokenType type : TokenType.values()) {
            rates.put(type, new java.math.BigDecimal("0.01"));
        }
        rates.put(TokenType.UNCACHED_INPUT, new java.math.BigDecimal(input));
        rates.put(TokenType.OUTPUT, new java.math.BigDecimal(output));
        return new CalibratedPrice(key, "claude-haiku-4-5", rates, rates, java.math.BigDecimal.ONE,
                java.util.Map.of(), java.util.List.of(LocalDate.parse("2026-11-09")));
    }

    @Test
    void theOrderIsTheLearnedPriceThenTheLearnedRatioThenTheListPriceThenTheFamilysDearest() {
        UsageRow unlisted = new UsageRow(Instant.parse("2026-11-10T10:00:00Z"), "wrkspc_a", "apikey_1",
                "claude-haiku-5-7", "standard", "0-200k", 1_000_000, 0, 0, 0, 100_000, 0);
        UsageRow sameModelOtherWorkspace = new UsageRow(unlisted.bucketStart(), "wrkspc_b", "apikey_2",
                "claude-haiku-5-7", "standard", "0-200k", 1_000_000, 0, 0, 0, 100_000, 0);
        UsageRow listed = new UsageRow(unlisted.bucketStart(), "wrkspc_a", "apikey_1", "claude-haiku-4-5-20251001",
                "standard", "0-200k", 1_000_000, 0, 0, 0, 100_000, 0);
        Calibration calibration = new Calibration(java.util.Optional.of(LocalDate.parse("2026-11-03")),
                java.util.Optional.of(LocalDate.parse("2026-11-09")),
                java.util.List.of(learnedPrice(CalibrationKey.of(unlisted), "0.2", "1")),
                java.util.List.of(new ModelRatio("claude-haiku-5-7", new java.math.BigDecimal("0.25"),
                        java.math.BigDecimal.ONE, java.math.BigDecimal.ONE, java.util.List.of())));

        // 1. its own key's learned price: 1M x $0.20 + 100k x $1 = 30 cents
        PricedUsage learned = pricer.price(unlisted, calibration);
        assertThat(learned.estimateCents()).isEqualByComparingTo("30");
        assertThat(learned.basis()).isEqualTo(PriceBasis.CALIBRATED);
        // 2. another workspace: the model's learned ratio to its stand-in's list price ($1 / $5): 150 x 0.25
        PricedUsage ratio = pricer.price(sameModelOtherWorkspace, calibration);
        assertThat(ratio.estimateCents()).isEqualByComparingTo("37.5");
        assertThat(ratio.basis()).isEqualTo(PriceBasis.CALIBRATED);
        // 3. a listed model with nothing learned: its dated list price
        PricedUsage list = pricer.price(listed, calibration);
        assertThat(list.estimateCents()).isEqualByComparingTo("150").isEqualByComparingTo(list.cents());
        assertThat(list.basis()).isEqualTo(PriceBasis.LIST);
        // 4. nothing learned and no list price: its family's dearest current model, never $0
        PricedUsage standIn = pricer.price(unlisted, Calibration.NONE);
        assertThat(standIn.basis()).isEqualTo(PriceBasis.UNPRICED);
        assertThat(standIn.pricedAs()).isEqualTo("claude-haiku-4-5");
        assertThat(standIn.estimateCents()).isEqualByComparingTo("150");
        // the list-price figure of every line is kept beside the estimate
        assertThat(learned.cents()).isEqualByComparingTo("150");
        assertThat(learned.unpriced()).isTrue();
    }
}
