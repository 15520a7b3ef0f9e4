package org.costobservatory.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReportParserTest {
    private static final LocalDate DAY = LocalDate.parse("2026-08-10");
    private static final Instant HOUR = Instant.parse("2026-08-10T14:00:00Z");

    private final ReportParser parser = new ReportParser();

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A one-day cost page whose single row has the given JSON members (besides the defaults below). */
    private static String costPage(String rowMembers) {
        return "{\"data\":[{\"starting_at\":\"2026-08-10T00:00:00Z\",\"ending_at\":\"2026-08-11T00:00:00Z\","
                + "\"results\":[{" + rowMembers + "}]}],\"has_more\":false,\"next_page\":null}";
    }

    private static String costRow(String amount) {
        return "\"amount\":" + amount + ",\"currency\":\"USD\",\"cost_type\":\"tokens\",\"model\":\"claude-x\","
                + "\"token_type\":\"output_tokens\",\"workspace_id\":null";
    }

    /** A one-hour usage page whose single row has the given JSON members. */
    private static String usagePage(String rowMembers) {
        return "{\"data\":[{\"starting_at\":\"2026-08-10T14:00:00Z\",\"ending_at\":\"2026-08-10T15:00:00Z\","
                + "\"results\":[{" + rowMembers + "}]}],\"has_more\":false,\"next_page\":null}";
    }

    @Test
    void keepsTheAmountExactlyAsSentScaleIncluded() {
        // GIVEN amounts with many decimals, as live data has them
        CostPage page = parser.parseCostPage(bytes(costPage(costRow("\"527.999760\""))));

        // THEN the BigDecimal is the exact text, not a rounded double
        CostRow row = page.days().get(0).rows().get(0);
        assertThat(row.amountCents()).isEqualTo(new BigDecimal("527.999760"));
        assertThat(row.amountCents().scale()).isEqualTo(6);
        assertThat(row.amountUsd()).isEqualByComparingTo("5.27999760");
        assertThat(row.date()).isEqualTo(DAY);
        assertThat(row.workspaceId()).isEqualTo("default");
        assertThat(page.hasMore()).isFalse();
        assertThat(page.nextPage()).isNull();
    }

    @Test
    void acceptsAnAmountSentAsAJsonNumberReadFromItsTextExactly() {
        // GIVEN a number (not the documented string) with more digits than a double holds
        CostPage page = parser.parseCostPage(bytes(costPage(costRow("83391.52823000000001"))));

        // THEN it is read from its text, exactly
        assertThat(page.days().get(0).rows().get(0).amountCents())
                .isEqualTo(new BigDecimal("83391.52823000000001"));
    }

    static Stream<Arguments> badAmounts() {
        return Stream.of(
                Arguments.of("\"abc\"", "plain decimal"),
                Arguments.of("\"\"", "empty"),
                Arguments.of("\"NaN\"", "finite"),
                Arguments.of("\"Infinity\"", "finite"),
                Arguments.of("\"-0.01\"", "negative"),
                Arguments.of("-5", "negative"),
                Arguments.of("\"1e30\"", "plain decimal"),
                Arguments.of("1e30", "plain decimal"),
                Arguments.of("\"1.5E+3\"", "plain decimal"),
                Arguments.of("\" 12\"", "plain decimal"),
                Arguments.of("\"12.\"", "plain decimal"),
                Arguments.of("\".5\"", "plain decimal"),
                Arguments.of("\"0x1F\"", "plain decimal"),
                Arguments.of("\"10000000000000.01\"", "implausibly large"),
                Arguments.of("\"" + "9".repeat(60) + "\"", "plain decimal"),
                Arguments.of("null", "decimal string"),
                Arguments.of("true", "decimal string"),
                Arguments.of("{}", "decimal string"));
    }

    @ParameterizedTest(name = "amount {0}")
    @MethodSource("badAmounts")
    void refusesAmountsThatAreNotPlainNonNegativeDecimals(String amount, String expected) {
        // GIVEN a row with a bad amount, WHEN parsed, THEN a parse failure naming the field and the problem
        assertThatThrownBy(() -> parser.parseCostPage(bytes(costPage(costRow(amount)))))
                .isExactlyInstanceOf(ReportParseException.class)
                .hasMessageContaining("data[0].results[0].amount")
                .hasMessageContaining(expected);
    }

    @Test
    void acceptsTheLargestPlausibleAmount() {
        // GIVEN exactly 10^13 cents, THEN accepted (the limit is inclusive)
        assertThat(parser.parseCostPage(bytes(costPage(costRow("\"10000000000000\"")))).days().get(0).totalCents())
                .isEqualByComparingTo("10000000000000");
    }

    @Test
    void refusesAnotherCurrencyNamingIt() {
        // GIVEN a row in euros
        String page = costPage(costRow("\"1.00\"").replace("\"USD\"", "\"EUR\""));

        // THEN refused, naming the currency
        assertThatThrownBy(() -> parser.parseCostPage(bytes(page)))
                .isInstanceOf(ReportParseException.class)
                .hasMessageContaining("currency")
                .hasMessageContaining("EUR");
        assertThatThrownBy(() -> parser.parseCostPage(bytes(costPage("\"amount\":\"1\""))))
                .hasMessageContaining("currency is missing");
    }

    @Test
    void mergesRowsWithTheSameKeyByAddingTheirAmounts() {
        // GIVEN two lines that differ only in a dimension we do not know yet
        String rows = costRow("\"100.5\"") + ",\"speed\":\"fast\"},{" + costRow("\"0.25\"") + ",\"speed\":\"standard\"";

        // WHEN parsed
        CostDay day = parser.parseCostPage(bytes(costPage(rows))).days().get(0);

        // THEN they become one line with the summed amount
        assertThat(day.rows()).hasSize(1);
        assertThat(day.rows().get(0).amountCents()).isEqualByComparingTo("100.75");
    }

    @Test
    void keepsUnknownCostTypesAndIgnoresUnknownFields() {
        // GIVEN a new cost type and fields nobody documented yet, including nested ones
        String row = "\"amount\":\"8\",\"currency\":\"USD\",\"cost_type\":\"session_usage\",\"workspace_id\":\"w1\","
                + "\"new_field\":{\"deep\":[1,2,{\"x\":null}]},\"another\":[]";

        // WHEN parsed
        CostRow parsed = parser.parseCostPage(bytes(costPage(row))).days().get(0).rows().get(0);

        // THEN the new value is kept as a string and the rest ignored
        assertThat(parsed.costType()).isEqualTo("session_usage");
        assertThat(parsed.model()).isEqualTo("none");
        assertThat(parsed.workspaceId()).isEqualTo("w1");
    }

    @Test
    void readsCacheWritesOnlyFromTheNestedObject() {
        // GIVEN a row with both nested cache writes and a (non-existent in the API) flat field
        String row = "\"uncached_input_tokens\":10,\"cache_read_input_tokens\":20,\"output_tokens\":30,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":40,\"ephemeral_1h_input_tokens\":50},"
                + "\"cache_creation_input_tokens\":999,\"server_tool_use\":{\"web_search_requests\":6},"
                + "\"model\":\"claude-x\",\"service_tier\":\"priority_on_demand\",\"workspace_id\":null,"
                + "\"api_key_id\":null,\"context_window\":\"200k-1M\",\"inference_geo\":\"us\",\"speed\":\"fast\"";

        // WHEN parsed
        UsageRow parsed = parser.parseUsagePage(bytes(usagePage(row)), BucketWidth.HOUR).buckets().get(0).rows()
                .get(0);

        // THEN every count is in its own field and the flat field is ignored
        assertThat(parsed).isEqualTo(new UsageRow(HOUR, "default", "none", "claude-x", "priority_on_demand",
                "200k-1M", 10, 20, 40, 50, 30, 6));
    }

    @Test
    void missingOrNullNestedObjectsAndCountsMeanZero() {
        // GIVEN rows without cache_creation / server_tool_use objects, or with them null
        String bare = "\"uncached_input_tokens\":7,\"model\":\"m\"";
        String nulls = "\"uncached_input_tokens\":7,\"model\":\"m\",\"cache_creation\":null,"
                + "\"server_tool_use\":null,\"output_tokens\":null";

        // WHEN parsed, THEN the missing counts are zero
        for (String row : List.of(bare, nulls)) {
            UsageRow parsed = parser.parseUsagePage(bytes(usagePage(row)), BucketWidth.HOUR).buckets().get(0)
                    .rows().get(0);
            assertThat(parsed).isEqualTo(new UsageRow(HOUR, null, null, "m", null, null, 7, 0, 0, 0, 0, 0));
        }
    }

    @Test
    void mergesUsageRowsSplitByADimensionWeDoNotStore() {
        // GIVEN two rows that differ only by inference_geo
        String rows = "\"model\":\"m\",\"output_tokens\":5,\"inference_geo\":\"us\"},"
                + "{\"model\":\"m\",\"output_tokens\":7,\"inference_geo\":\"global\","
                + "\"cache_creation\":{\"ephemeral_1h_input_tokens\":3}";

        // WHEN parsed, THEN one row with the counts added
        UsageBucket bucket = parser.parseUsagePage(bytes(usagePage(rows)), BucketWidth.HOUR).buckets().get(0);
        assertThat(bucket.rows()).hasSize(1);
        assertThat(bucket.rows().get(0).outputTokens()).isEqualTo(12);
        assertThat(bucket.rows().get(0).cacheCreation1hInputTokens()).isEqualTo(3);
    }

    @Test
    void keepsEmptyBucketsAndTheCursor() {
        // GIVEN a page of empty buckets with more to come
        String page = "{\"data\":[{\"starting_at\":\"2026-08-10T14:00:00Z\",\"ending_at\":\"2026-08-10T15:00:00Z\","
                + "\"results\":[]},{\"starting_at\":\"2026-08-10T15:00:00Z\",\"ending_at\":\"2026-08-10T16:00:00Z\","
                + "\"results\":[]}],\"has_more\":true,\"next_page\":\"page_abc=\"}";

        // WHEN parsed
        UsagePage parsed = parser.parseUsagePage(bytes(page), BucketWidth.HOUR);

        // THEN both buckets are there, empty, and the cursor is kept as is
        assertThat(parsed.buckets()).extracting(UsageBucket::start).containsExactly(HOUR, HOUR.plusSeconds(3600));
        assertThat(parsed.buckets()).allSatisfy(bucket -> assertThat(bucket.rows()).isEmpty());
        assertThat(parsed.hasMore()).isTrue();
        assertThat(parsed.nextPage()).isEqualTo("page_abc=");
    }

    @Test
    void readsTheReferenceFixturesToTheirDocumentedTotals() {
        // GIVEN the three cost fixture pages, THEN the documented day totals
        assertThat(parser.parseCostPage(bytes(fixture("cost-report-page-1.json"))).days().get(0).totalCents())
                .isEqualByComparingTo("3508.5");
        CostPage page2 = parser.parseCostPage(bytes(fixture("cost-report-page-2.json")));
        assertThat(page2.days()).extracting(CostDay::totalCents)
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("356.125"), BigDecimal.ZERO);
        assertThat(page2.nextPage()).isEqualTo("page_MjAyNi0wOC0xM1QwMDowMDowMFo=");
    }

    @Test
    void acceptsOffsetTimestampsThatAreTheSameInstant() {
        // GIVEN RFC 3339 times with an explicit +00:00 offset and fractional seconds
        String page = "{\"data\":[{\"starting_at\":\"2026-08-10T00:00:00.000+00:00\","
                + "\"ending_at\":\"2026-08-11T02:00:00+02:00\",\"results\":[]}],\"has_more\":false}";

        // THEN it is the same UTC day
        assertThat(parser.parseCostPage(bytes(page)).days()).extracting(CostDay::date).containsExactly(DAY);
    }

    static Stream<Arguments> badPages() {
        String day = "{\"starting_at\":\"2026-08-10T00:00:00Z\",\"ending_at\":\"2026-08-11T00:00:00Z\",\"results\":[]}";
        String day2 = "{\"starting_at\":\"2026-08-11T00:00:00Z\",\"ending_at\":\"2026-08-12T00:00:00Z\",\"results\":[]}";
        return Stream.of(
                Arguments.of("missing has_more", "{\"data\":[]}", "has_more is missing"),
                Arguments.of("null has_more", "{\"data\":[],\"has_more\":null}", "has_more must be true or false"),
                Arguments.of("missing data", "{\"has_more\":false}", "data is missing"),
                Arguments.of("data null", "{\"data\":null,\"has_more\":false}", "data must be an array"),
                Arguments.of("next_page a number", "{\"data\":[],\"has_more\":true,\"next_page\":5}", "next_page"),
                Arguments.of("a top-level array", "[]", "not a JSON object"),
                Arguments.of("a bare string", "\"hello\"", "not a JSON object"),
                Arguments.of("truncated", "{\"data\":[" + day, "malformed JSON"),
                Arguments.of("trailing garbage", "{\"data\":[],\"has_more\":false} {}", "after the JSON object"),
                Arguments.of("duplicate key", "{\"data\":[],\"has_more\":false,\"has_more\":true}", "Duplicate"),
                Arguments.of("bucket without results", "{\"data\":[{\"starting_at\":\"2026-08-10T00:00:00Z\","
                        + "\"ending_at\":\"2026-08-11T00:00:00Z\"}],\"has_more\":false}", "data[0].results is missing"),
                Arguments.of("bucket without start", "{\"data\":[{\"ending_at\":\"2026-08-11T00:00:00Z\","
                        + "\"results\":[]}],\"has_more\":false}", "starting_at is missing"),
                Arguments.of("start not RFC 3339", "{\"data\":[{\"starting_at\":\"10/08/2026\","
                        + "\"ending_at\":\"2026-08-11T00:00:00Z\",\"results\":[]}],\"has_more\":false}",
                        "not an RFC 3339 timestamp"),
                Arguments.of("start as epoch number", "{\"data\":[{\"starting_at\":1786320000,"
                        + "\"ending_at\":\"2026-08-11T00:00:00Z\",\"results\":[]}],\"has_more\":false}",
                        "RFC 3339"),
                Arguments.of("start not midnight", "{\"data\":[{\"starting_at\":\"2026-08-10T01:00:00Z\","
                        + "\"ending_at\":\"2026-08-11T01:00:00Z\",\"results\":[]}],\"has_more\":false}",
                        "not midnight UTC"),
                Arguments.of("two-day bucket", "{\"data\":[{\"starting_at\":\"2026-08-10T00:00:00Z\","
                        + "\"ending_at\":\"2026-08-12T00:00:00Z\",\"results\":[]}],\"has_more\":false}",
                        "not one day after"),
                Arguments.of("days out of order", "{\"data\":[" + day2 + "," + day + "],\"has_more\":false}",
                        "ascending"),
                Arguments.of("the same day twice", "{\"data\":[" + day + "," + day + "],\"has_more\":false}",
                        "ascending"),
                Arguments.of("a result that is a string", "{\"data\":[{\"starting_at\":\"2026-08-10T00:00:00Z\","
                        + "\"ending_at\":\"2026-08-11T00:00:00Z\",\"results\":[\"x\"]}],\"has_more\":false}",
                        "data[0].results[0]: a result must be a JSON object"),
                Arguments.of("a dimension that is a number", costPage(costRow("\"1\"") + ",\"model\":5")
                        .replace("\"model\":\"claude-x\",", ""), "model must be a string or null"),
                Arguments.of("not UTF-8 JSON at all", "\u0000\u0001\u0002", "malformed JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPages")
    void refusesMalformedCostPagesWithAMessageSayingWhere(String name, String page, String expected) {
        // GIVEN a malformed page, WHEN parsed, THEN only our exception, saying which report and where
        assertThatThrownBy(() -> parser.parseCostPage(bytes(page)))
                .isExactlyInstanceOf(ReportParseException.class)
                .hasMessageStartingWith("cost report")
                .hasMessageContaining(expected);
    }

    static Stream<Arguments> badCounts() {
        return Stream.of(
                Arguments.of("\"output_tokens\":1.5", "output_tokens must be a whole number"),
                Arguments.of("\"output_tokens\":1.0", "output_tokens must be a whole number"),
                Arguments.of("\"output_tokens\":-3", "output_tokens is negative"),
                Arguments.of("\"output_tokens\":\"12\"", "output_tokens must be a whole number"),
                Arguments.of("\"output_tokens\":9223372036854775808", "too large"),
                Arguments.of("\"output_tokens\":true", "output_tokens must be a whole number"),
                Arguments.of("\"cache_creation\":{\"ephemeral_5m_input_tokens\":-1}",
                        "cache_creation.ephemeral_5m_input_tokens is negative"),
                Arguments.of("\"cache_creation\":5", "cache_creation must be an object"),
                Arguments.of("\"server_tool_use\":{\"web_search_requests\":0.5}",
                        "server_tool_use.web_search_requests must be a whole number"),
                Arguments.of("\"output_tokens\":9223372036854775807},{\"output_tokens\":1", "overflow"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCounts")
    void refusesTokenCountsThatAreNotNonNegativeLongs(String members, String expected) {
        // GIVEN a usage row with a bad count, WHEN parsed, THEN refused, naming the field and the problem
        assertThatThrownBy(() -> parser.parseUsagePage(bytes(usagePage(members)), BucketWidth.HOUR))
                .isExactlyInstanceOf(ReportParseException.class)
                .hasMessageStartingWith("usage report")
                .hasMessageContaining(expected);
    }

    @Test
    void acceptsTheLargestLongAsATokenCount() {
        // GIVEN Long.MAX_VALUE tokens, WHEN parsed, THEN kept exactly (the limit is the type, not a guess)
        UsageRow row = parser.parseUsagePage(bytes(usagePage("\"output_tokens\":9223372036854775807")),
                BucketWidth.HOUR).buckets().get(0).rows().get(0);
        assertThat(row.outputTokens()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void usageBucketsMustBeExactlyOneWidthLong() {
        // GIVEN an hour-long bucket parsed as a daily report, THEN refused
        assertThatThrownBy(() -> parser.parseUsagePage(bytes(usagePage("\"output_tokens\":1")), BucketWidth.DAY))
                .isInstanceOf(ReportParseException.class)
                .hasMessageContaining("not one 1d bucket long");
        // AND it is fine as an hourly report
        assertThat(parser.parseUsagePage(bytes(usagePage("\"output_tokens\":1")), BucketWidth.HOUR).buckets())
                .hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "null", "{", "{}", "{\"data\":[],\"has_more\":false"})
    void refusesEmptyAndDegenerateBodies(String body) {
        // GIVEN an empty or degenerate body, WHEN each parser reads it, THEN each refuses it with our exception
        assertThatThrownBy(() -> parser.parseCostPage(bytes(body))).isExactlyInstanceOf(ReportParseException.class);
        assertThatThrownBy(() -> parser.parseUsagePage(bytes(body), BucketWidth.HOUR))
                .isExactlyInstanceOf(ReportParseException.class);
        assertThatThrownBy(() -> parser.parseWorkspacePage(bytes(body)))
                .isExactlyInstanceOf(ReportParseException.class);
    }

    @Test
    void refusesANullBody() {
        // GIVEN no body at all, WHEN parsed, THEN refused as empty
        assertThatThrownBy(() -> parser.parseCostPage(null)).isExactlyInstanceOf(ReportParseException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void everyTruncationOfARealPageIsRefusedCleanly() {
        // GIVEN each prefix of a real cost page that stops before its closing brace
        byte[] page = bytes(fixture("cost-report-page-2.json"));
        int closingBrace = new String(page, StandardCharsets.UTF_8).lastIndexOf('}');
        assertThat(parser.parseCostPage(java.util.Arrays.copyOf(page, closingBrace + 1)).days()).hasSize(2);
        for (int length = 0; length <= closingBrace; length++) {
            byte[] prefix = java.util.Arrays.copyOf(page, length);
            // WHEN parsed, THEN only our exception comes out, never a partial page
            assertThatThrownBy(() -> parser.parseCostPage(prefix))
                    .as("prefix of %d bytes", length)
                    .isExactlyInstanceOf(ReportParseException.class);
        }
    }

    @Test
    void randomCorruptionsNeverLetAnythingButReportParseExceptionOut() {
        // GIVEN real pages with random bytes flipped, inserted or deleted (seeded, so failures reproduce)
        SplittableRandom random = new SplittableRandom(20260814);
        List<byte[]> seeds = List.of(bytes(fixture("cost-report-page-1.json")),
                bytes(fixture("usage-report-page-1.json")), bytes(fixture("workspaces-page-1.json")));
        byte[] alphabet = bytes("{}[]\",:-.0123456789eEnulltruefalse \\u00");
        int parsed = 0;
        for (int i = 0; i < 3_000; i++) {
            byte[] seed = seeds.get(i % seeds.size());
            byte[] corrupt = mutate(seed, random, alphabet);
            // WHEN each parser reads it, THEN it either succeeds completely or throws ReportParseException
            for (int which = 0; which < 3; which++) {
                try {
                    switch (which) {
                        case 0 -> parser.parseCostPage(corrupt);
                        case 1 -> parser.parseUsagePage(corrupt, BucketWidth.HOUR);
                        default -> parser.parseWorkspacePage(corrupt);
                    }
                    parsed++;
                } catch (ReportParseException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                } catch (RuntimeException | Error unexpected) {
                    throw new AssertionError("iteration " + i + " parser " + which + " let "
                            + unexpected.getClass().getName() + " out for: "
                            + new String(corrupt, StandardCharsets.UTF_8), unexpected);
                }
            }
        }
        // AND some corruptions were harmless (e.g. in a description), so the loop really exercised both outcomes
        assertThat(parsed).isPositive();
    }

    private static byte[] mutate(byte[] seed, SplittableRandom random, byte[] alphabet) {
        byte[] out = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(4)) {
                case 0 -> out[at] = alphabet[random.nextInt(alphabet.length)];
                case 1 -> out[at] = (byte) random.nextInt(256);
                case 2 -> {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                }
                default -> {
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = alphabet[random.nextInt(alphabet.length)];
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
            }
        }
        return out;
    }

    @Test
    void readsWorkspacesWithArchivedTimesAndFallsBackToTheIdForAMissingName() {
        // GIVEN a page with an archived workspace and one without a name
        String page = "{\"data\":[{\"id\":\"wrkspc_a\",\"name\":\"A\",\"archived_at\":\"2026-02-14T17:30:00Z\"},"
                + "{\"id\":\"wrkspc_b\",\"archived_at\":null}],\"has_more\":true,\"first_id\":\"wrkspc_a\","
                + "\"last_id\":\"wrkspc_b\"}";

        // WHEN parsed
        WorkspacePage parsed = parser.parseWorkspacePage(bytes(page));

        // THEN the archive time is kept, the id names the unnamed one, and last_id is the cursor
        assertThat(parsed.workspaces().get(0).archivedAt()).contains(Instant.parse("2026-02-14T17:30:00Z"));
        assertThat(parsed.workspaces().get(1).name()).isEqualTo("wrkspc_b");
        assertThat(parsed.lastId()).isEqualTo("wrkspc_b");
        assertThat(parsed.hasMore()).isTrue();
        assertThatThrownBy(() -> parser.parseWorkspacePage(bytes("{\"data\":[{\"name\":\"x\"}],\"has_more\":false}")))
                .isInstanceOf(ReportParseException.class).hasMessageContaining("id is missing");
    }

    @Test
    void readsApiKeysWithTheirWorkspaceTheDefaultOneAsDefaultAndNoHint() {
        // GIVEN a page as the Admin API sends it: a key in a workspace, one in the Default workspace (null)
        String page = ReportJsonWriter.apiKeysPage(List.of(new ApiKey("apikey_a", "a", "active", "wrkspc_1"),
                new ApiKey("apikey_b", "b", "archived", "default")), true);

        // WHEN parsed
        ApiKeyPage parsed = parser.parseApiKeyPage(bytes(page));

        // THEN each key keeps its workspace, the Default one as 'default', and last_id is the cursor
        assertThat(page).contains("\"workspace_id\":null");
        assertThat(parsed.keys()).containsExactly(new ApiKey("apikey_a", "a", "active", "wrkspc_1"),
                new ApiKey("apikey_b", "b", "archived", "default"));
        assertThat(parsed.lastId()).isEqualTo("apikey_b");
        assertThat(parsed.hasMore()).isTrue();
        assertThat(page).contains("partial_key_hint");
        assertThat(parsed.toString()).doesNotContain("sk-ant");
        assertThatThrownBy(() -> parser.parseApiKeyPage(bytes("{\"data\":[{\"workspace_id\":null}],"
                + "\"has_more\":false}"))).isInstanceOf(ReportParseException.class).hasMessageContaining("id is missing");
        assertThatThrownBy(() -> parser.parseApiKeyPage(bytes("{\"data\":[{\"id\":\"apikey_c\","
                + "\"workspace_id\":7}],\"has_more\":false}"))).isInstanceOf(ReportParseException.class);
    }
}
