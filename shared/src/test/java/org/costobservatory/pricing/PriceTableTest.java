package org.costobservatory.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.costobservatory.domain.UsageRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The price table as data: its format, its dates, and what an unlisted model is priced as. */
class PriceTableTest {
    private static final String HEAD = "{\"batch_multiplier\": \"0.5\", \"web_search_usd_per_1000\": \"10\", \"models\": [";
    private static final String BASE =
            "{\"model\": \"claude-base-1\", \"effective_from\": \"2026-01-01\", " + rates("1", "5");

    /**
     * A small organisation of models, so the fallback order is visible without the bundled table's history: a retired
     * Opus that is the most expensive model ever listed, a current cheaper Opus, a Haiku that retires mid-year, a
     * Sonnet family with no current model after May, and a Fable released only in July.
     */
    private static final PriceTable LINEUP = table(
            "{\"model\": \"claude-opus-1\", \"effective_from\": \"2026-01-01\", \"retired\": \"2026-03-01\", "
                    + rates("15", "75"),
            "{\"model\": \"claude-opus-2\", \"effective_from\": \"2026-02-01\", " + rates("5", "25"),
            "{\"model\": \"claude-haiku-1\", \"effective_from\": \"2026-01-01\", \"retired\": \"2026-06-01\", "
                    + rates("1", "5"),
            "{\"model\": \"claude-haiku-2\", \"effective_from\": \"2026-01-01\", " + rates("0.5", "2.5"),
            "{\"model\": \"claude-sonnet-1\", \"effective_from\": \"2026-01-01\", \"retired\": \"2026-05-01\", "
                    + rates("3", "15"),
            "{\"model\": \"claude-fable-1\", \"effective_from\": \"2026-07-01\", " + rates("10", "50"));

    /** The five token rates, the cache ones derived from input by the usual multipliers, closing the entry. */
    private static String rates(String input, String output) {
        BigDecimal in = new BigDecimal(input);
        return "\"input\": \"" + input + "\", \"output\": \"" + output + "\", \"cache_write_5m\": \""
                + in.multiply(new BigDecimal("1.25")).toPlainString() + "\", \"cache_write_1h\": \""
                + in.multiply(BigDecimal.valueOf(2)).toPlainString() + "\", \"cache_read\": \""
                + in.movePointLeft(1).toPlainString() + "\"}";
    }

    private static PriceTable table(String... entries) {
        return PriceTable.parse(json(entries), "test.json");
    }

    private static byte[] json(String... entries) {
        return (HEAD + String.join(", ", entries) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static String fallback(PriceTable table, String model, String date) {
        return table.fallbackFor(model, LocalDate.parse(date)).model();
    }

    // --- effective dates -------------------------------------------------------------------------------------------

    @Test
    void aPriceChangeAppliesFromItsEffectiveDateAndNotTheDayBefore() {
        // GIVEN a model whose cache reads got cheaper on 2026-10-07
        PriceTable table = table(
                "{\"model\": \"claude-sonnet-9\", \"effective_from\": \"2026-09-28\", \"input\": \"2\", \"output\": \"10\","
                        + " \"cache_write_5m\": \"2.5\", \"cache_write_1h\": \"4\", \"cache_read\": \"0.20\"}",
                "{\"model\": \"claude-sonnet-9\", \"effective_from\": \"2026-10-07\", \"input\": \"2\", \"output\": \"10\","
                        + " \"cache_write_5m\": \"2.5\", \"cache_write_1h\": \"4\", \"cache_read\": \"0.10\"}");
        // WHEN it is looked up on the day before and on the day of the change
        // THEN the day before still has the old rate and the day itself the new one
        assertThat(table.lookup("claude-sonnet-9", LocalDate.parse("2026-10-06")).orElseThrow().standard().cacheRead())
                .isEqualByComparingTo("0.20");
        assertThat(table.lookup("claude-sonnet-9", LocalDate.parse("2026-10-07")).orElseThrow().standard().cacheRead())
                .isEqualByComparingTo("0.10");
        assertThat(table.lookup("claude-sonnet-9", LocalDate.parse("2027-01-01")).orElseThrow().effectiveFrom())
                .isEqualTo(LocalDate.parse("2026-10-07"));
    }

    @Test
    void aListedModelSeenBeforeItsFirstEntryIsPricedAtThatEntryNotAsUnpriced() {
        // early access can precede the date a model is listed from; it still has its own list price
        ModelPrice price = LINEUP.lookup("claude-fable-1", LocalDate.parse("2026-06-20")).orElseThrow();
        assertThat(price.effectiveFrom()).isEqualTo(LocalDate.parse("2026-07-01"));
    }

    @Test
    void theOrderOfEntriesInTheFileDoesNotMatter() {
        PriceTable table = table(
                "{\"model\": \"claude-x-1\", \"effective_from\": \"2026-06-01\", " + rates("2", "10"),
                "{\"model\": \"claude-x-1\", \"effective_from\": \"2026-01-01\", " + rates("4", "20"));
        assertThat(table.lookup("claude-x-1", LocalDate.parse("2026-05-31")).orElseThrow().standard().input())
                .isEqualByComparingTo("4");
        assertThat(table.lookup("claude-x-1", LocalDate.parse("2026-06-01")).orElseThrow().standard().input())
                .isEqualByComparingTo("2");
    }

    // --- the fallback order ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"claude-3-5-haiku-20241022,haiku", "claude-opus-4-1,opus", "claude-opus-4-1-20250805,opus",
            "claude-fable-5-2,fable", "claude-mythos-5-1,mythos", "claude-sonnet-4-5-20250929,sonnet",
            "claude-instant-1.2,instant", "Claude-Haiku-5-5,haiku", "claude-nova-9,nova"})
    void theFamilyIsTheFirstWordOfTheIdThatIsNeitherClaudeNorAVersion(String model, String family) {
        assertThat(PriceTable.familyOf(model)).contains(family);
    }

    @Test
    void anIdWithoutAFamilyWordHasNoFamily() {
        assertThat(PriceTable.familyOf("claude-2.1")).isEmpty();
        assertThat(PriceTable.familyOf("claude-3-20240229")).isEmpty();
    }

    @Test
    void anUnlistedModelIsPricedAsTheMostExpensiveCurrentModelOfItsFamily() {
        // GIVEN Opus 2 ($5/$25) is the most expensive current model overall, Haiku 1 ($1/$5) the dearest current Haiku
        // WHEN an unlisted Haiku shows up
        // THEN it is priced as Haiku 1, not as the dearest model of any family
        assertThat(fallback(LINEUP, "claude-haiku-9", "2026-04-01")).isEqualTo("claude-haiku-1");
    }

    @Test
    void aRetiredModelOfTheFamilyIsSkippedFromItsRetirementDateOn() {
        assertThat(fallback(LINEUP, "claude-haiku-9", "2026-05-31")).isEqualTo("claude-haiku-1");
        assertThat(fallback(LINEUP, "claude-haiku-9", "2026-06-01")).isEqualTo("claude-haiku-2");
    }

    @Test
    void aFamilyWithNoCurrentModelFallsBackToTheMostExpensiveCurrentModelNeverARetiredOne() {
        // Sonnet 1 retired on 2026-05-01; Opus 1 ($15/$75) is the dearest ever listed but retired on 2026-03-01
        assertThat(fallback(LINEUP, "claude-sonnet-9", "2026-04-30")).isEqualTo("claude-sonnet-1");
        assertThat(fallback(LINEUP, "claude-sonnet-9", "2026-05-01")).isEqualTo("claude-opus-2");
    }

    @Test
    void anUnknownFamilyIsPricedAsTheMostExpensiveCurrentModel() {
        assertThat(fallback(LINEUP, "claude-nova-1", "2026-02-28")).isEqualTo("claude-opus-1");
        assertThat(fallback(LINEUP, "claude-nova-1", "2026-03-01")).isEqualTo("claude-opus-2");
        assertThat(fallback(LINEUP, "gpt-x", "2026-03-01")).isEqualTo("claude-opus-2");
    }

    @Test
    void aModelNotYetReleasedIsNotCurrent() {
        assertThat(fallback(LINEUP, "claude-fable-9", "2026-06-30")).isEqualTo("claude-opus-2");
        assertThat(fallback(LINEUP, "claude-fable-9", "2026-07-01")).isEqualTo("claude-fable-1");
    }

    @Test
    void onADateBeforeEveryReleaseTheModelsNotRetiredThenAreUsed() {
        assertThat(fallback(LINEUP, "claude-nova-1", "2025-06-01")).isEqualTo("claude-opus-1");
    }

    @Test
    void equallyPricedModelsAreChosenByIdSoTheFileOrderDoesNotDecide() {
        PriceTable forward = table("{\"model\": \"claude-opus-b\", \"effective_from\": \"2026-01-01\", "
                + rates("5", "25"), "{\"model\": \"claude-opus-a\", \"effective_from\": \"2026-01-01\", " + rates("5", "25"));
        PriceTable backward = table("{\"model\": \"claude-opus-a\", \"effective_from\": \"2026-01-01\", "
                + rates("5", "25"), "{\"model\": \"claude-opus-b\", \"effective_from\": \"2026-01-01\", " + rates("5", "25"));
        assertThat(fallback(forward, "claude-opus-9", "2026-02-01")).isEqualTo("claude-opus-a");
        assertThat(fallback(backward, "claude-opus-9", "2026-02-01")).isEqualTo("claude-opus-a");
    }

    @Test
    void theFallbackIsFlaggedUnpricedNamesItsModelAndIsNeverZero() {
        UsagePricer pricer = new UsagePricer(LINEUP);
        for (String model : List.of("claude-haiku-9", "claude-sonnet-9", "claude-nova-1")) {
            PricedUsage price = pricer.price(new UsageRow(Instant.parse("2026-05-15T10:00:00Z"), null, null, model,
                    "standard", "0-200k", 1_000_000, 0, 0, 0, 0, 0));
            assertThat(price.unpriced()).as(model).isTrue();
            assertThat(price.cents()).as(model).isPositive();
        }
        PricedUsage haiku = pricer.price(new UsageRow(Instant.parse("2026-05-15T10:00:00Z"), null, null,
                "claude-haiku-9", "standard", "0-200k", 1_000_000, 0, 0, 0, 0, 0));
        assertThat(haiku.pricedAs()).isEqualTo("claude-haiku-1");
        assertThat(haiku.cents()).isEqualByComparingTo("100");
    }

    // --- the format --------------------------------------------------------------------------------------------------

    @Test
    void aTableInTheFormatBeforeSourcesAndRetirementsStillLoads() throws URISyntaxException {
        // GIVEN the bundled table as it was before source, note and retired existed
        Path old = Path.of(PriceTableTest.class.getResource("prices-old-format.json").toURI());
        PriceTable table = PriceTable.fromFile(old);
        // THEN it prices as it did, and with no retirement known every model counts as current
        UsagePricer pricer = new UsagePricer(table);
        assertThat(pricer.price(new UsageRow(Instant.parse("2026-08-11T00:00:00Z"), null, null,
                "claude-sonnet-4-5-20250929", "standard", "0-200k", 402_000, 1_330_000, 95_000, 0, 88_000, 3))
                .cents()).isEqualByComparingTo("331.125");
        ModelPrice opus = table.lookup("claude-opus-4-6", LocalDate.parse("2026-02-20")).orElseThrow();
        assertThat(opus.longContext()).isPresent();
        assertThat(opus.retired()).isEmpty();
        assertThat(opus.source()).isEmpty();
        assertThat(table.fallbackFor("claude-nova-9", LocalDate.parse("2026-11-24")).standard().output())
                .isEqualByComparingTo("75");
    }

    @Test
    void sourceNoteAndRetirementAreRead() {
        PriceTable table = table("{\"model\": \"claude-old-1\", \"effective_from\": \"2025-01-01\", \"retired\":"
                        + " \"2026-01-05\", \"source\": \"https://platform.claude.com/docs/en/about-claude/pricing\","
                        + " \"note\": \"picked the docs\", " + rates("15", "75"),
                "{\"model\": \"claude-old-1\", \"effective_from\": \"2025-06-01\", " + rates("10", "50"),
                BASE);
        ModelPrice first = table.lookup("claude-old-1", LocalDate.parse("2025-02-01")).orElseThrow();
        ModelPrice second = table.lookup("claude-old-1", LocalDate.parse("2025-07-01")).orElseThrow();
        assertThat(first.source()).contains("https://platform.claude.com/docs/en/about-claude/pricing");
        assertThat(first.note()).contains("picked the docs");
        // the retirement is the model's, so every entry carries it
        assertThat(second.retired()).contains(LocalDate.parse("2026-01-05"));
        assertThat(second.retiredOn(LocalDate.parse("2026-01-04"))).isFalse();
        assertThat(second.retiredOn(LocalDate.parse("2026-01-05"))).isTrue();
    }

    static Stream<Arguments> malformedEntries() {
        String m = "{\"model\": \"claude-m-1\", \"effective_from\": \"2026-01-01\", ";
        return Stream.of(
                Arguments.of(m + "\"input\": \"x\", \"output\": \"5\", \"cache_write_5m\": \"1\", \"cache_write_1h\":"
                        + " \"2\", \"cache_read\": \"0.1\"}", "models[1] (claude-m-1).input must be a decimal number"),
                Arguments.of(m + "\"input\": \"1\", \"output\": \"5\", \"cache_write_5m\": \"1\", \"cache_write_1h\":"
                        + " \"2\"}", "models[1] (claude-m-1).cache_read is missing"),
                Arguments.of(m + "\"input\": \"1\", \"output\": \"0\", \"cache_write_5m\": \"1\", \"cache_write_1h\":"
                        + " \"2\", \"cache_read\": \"0.1\"}", "models[1] (claude-m-1).output must be more than 0"),
                Arguments.of(m + "\"input\": \"1e9\", \"output\": \"5\", \"cache_write_5m\": \"1\", \"cache_write_1h\":"
                        + " \"2\", \"cache_read\": \"0.1\"}", "models[1] (claude-m-1).input must be below 100000"),
                Arguments.of(m + "\"input\": \"-1\", \"output\": \"5\", \"cache_write_5m\": \"1\", \"cache_write_1h\":"
                        + " \"2\", \"cache_read\": \"0.1\"}", "models[1] (claude-m-1).input must not be negative"),
                Arguments.of(m + "\"retired\": \"2026-13-01\", " + rates("1", "5"),
                        "models[1] (claude-m-1).retired must be YYYY-MM-DD"),
                Arguments.of(m + "\"retired\": \"2025-12-31\", " + rates("1", "5"),
                        "models[1] (claude-m-1).retired 2025-12-31 must be after the model's first effective_from"
                                + " 2026-01-01"),
                Arguments.of(m + "\"source\": \"platform.claude.com/docs/en/about-claude/pricing\", " + rates("1", "5"),
                        "models[1] (claude-m-1).source must be an http(s) URL"),
                Arguments.of(m + "\"note\": 42, " + rates("1", "5"),
                        "models[1] (claude-m-1).note must be a non-empty string"),
                Arguments.of(m + "\"long_context\": \"6\", " + rates("1", "5"),
                        "models[1] (claude-m-1).long_context must be an object"),
                Arguments.of(m + "\"long_context\": {\"input\": \"2\", \"output\": \"10\", \"cache_write_5m\": \"2.5\","
                        + " \"cache_write_1h\": \"4\"}, " + rates("1", "5"),
                        "models[1] (claude-m-1).long_context.cache_read is missing"),
                Arguments.of("{\"model\": \"claude-m-1\", " + rates("1", "5"),
                        "models[1] (claude-m-1).effective_from must be YYYY-MM-DD"),
                Arguments.of("{\"model\": 7, \"effective_from\": \"2026-01-01\", " + rates("1", "5"),
                        "models[1].model must be a model id string"),
                Arguments.of("{\"effective_from\": \"2026-01-01\", " + rates("1", "5"), "models[1].model is missing"),
                Arguments.of("\"claude-m-1\"", "models[1] must be an object"));
    }

    @ParameterizedTest
    @MethodSource("malformedEntries")
    void aMalformedEntryIsRefusedNamingTheEntryAndTheField(String entry, String message) {
        assertThatThrownBy(() -> table(BASE, entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("price table test.json: ")
                .hasMessageContaining(message);
    }

    @Test
    void twoEntriesOfOneModelForTheSameDateAreRefused() {
        String entry = "{\"model\": \"claude-m-1\", \"effective_from\": \"2026-01-01\", " + rates("1", "5");
        assertThatThrownBy(() -> table(BASE, entry, entry)).hasMessageContaining(
                "models[2] (claude-m-1).effective_from 2026-01-01 is already the date of models[1] (claude-m-1)");
    }

    @Test
    void twoRetirementDatesForOneModelAreRefused() {
        assertThatThrownBy(() -> table(BASE,
                "{\"model\": \"claude-m-1\", \"effective_from\": \"2026-01-01\", \"retired\": \"2026-05-01\", "
                        + rates("1", "5"),
                "{\"model\": \"claude-m-1\", \"effective_from\": \"2026-02-01\", \"retired\": \"2026-06-01\", "
                        + rates("1", "5")))
                .hasMessageContaining("models[2] (claude-m-1).retired is 2026-06-01 but models[1] (claude-m-1) says"
                        + " 2026-05-01");
    }

    @Test
    void aTableWhoseModelsAreAllRetiredIsRefused() {
        assertThatThrownBy(() -> table(
                "{\"model\": \"claude-m-1\", \"effective_from\": \"2026-01-01\", \"retired\": \"2026-05-01\", "
                        + rates("1", "5")))
                .hasMessageContaining("every model is retired");
    }

    @Test
    void aBatchMultiplierOfZeroIsRefused() {
        byte[] json = ("{\"batch_multiplier\": \"0\", \"web_search_usd_per_1000\": \"10\", \"models\": [" + BASE + "]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PriceTable.parse(json, "test.json"))
                .hasMessageContaining("top level.batch_multiplier must be more than 0 and at most 1");
    }

    // --- the bundled table -------------------------------------------------------------------------------------------

    @Test
    void everyBundledEntryCarriesItsSourceUrl() {
        List<ModelPrice> entries = PriceTable.bundled().entries();
        assertThat(entries).hasSizeGreaterThan(25);
        assertThat(entries).allSatisfy(entry ->
                assertThat(entry.source()).as(entry.model() + " " + entry.effectiveFrom())
                        .hasValueSatisfying(url -> assertThat(url).startsWith("https://")));
    }

    @Test
    void theBundledTableMarksTheRetiredModelsWithTheirRetirementDates() {
        Map<String, Optional<LocalDate>> retired = PriceTable.bundled().entries().stream()
                .collect(Collectors.toMap(ModelPrice::model, ModelPrice::retired, (a, b) -> a));
        assertThat(retired).containsEntry("claude-3-opus", Optional.of(LocalDate.parse("2026-01-05")))
                .containsEntry("claude-3-haiku", Optional.of(LocalDate.parse("2026-04-20")))
                .containsEntry("claude-3-5-haiku", Optional.of(LocalDate.parse("2026-02-19")))
                .containsEntry("claude-3-7-sonnet", Optional.of(LocalDate.parse("2026-02-19")))
                .containsEntry("claude-sonnet-4", Optional.of(LocalDate.parse("2026-06-15")))
                .containsEntry("claude-opus-4", Optional.of(LocalDate.parse("2026-06-15")))
                .containsEntry("claude-opus-4-1", Optional.of(LocalDate.parse("2026-08-05")))
                .containsEntry("claude-sonnet-4-5", Optional.of(LocalDate.parse("2026-11-30")))
                .containsEntry("claude-haiku-5-5", Optional.empty())
                .containsEntry("claude-fable-5-2", Optional.empty());
    }
}
