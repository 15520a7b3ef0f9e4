package org.costobservatory.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.domain.Workspace;
import org.costobservatory.json.Json;
import org.junit.jupiter.api.Test;

class ReportJsonWriterTest {
    private static final LocalDate DAY = LocalDate.parse("2026-08-10");
    private static final Instant HOUR = Instant.parse("2026-08-10T14:00:00Z");

    private final ReportParser parser = new ReportParser();

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode tree(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    @Test
    void aCostPageSurvivesWritingAndParsingUnchanged() {
        // GIVEN days with the Default workspace, a non-token line, an empty day and amounts of different scales
        CostPage page = new CostPage(List.of(
                new CostDay(DAY, List.of(
                        new CostRow(DAY, null, "Claude Haiku 4.5 Usage - Input Tokens, Cache Write", "tokens",
                                "claude-haiku-4-5-20251001", "batch", "cache_creation.ephemeral_1h_input_tokens",
                                "0-200k", "not_available", "USD", new BigDecimal("40.000000")),
                        new CostRow(DAY, "wrkspc_a", "Code Execution Usage", "code_execution", null, null, null, null,
                                null, "USD", new BigDecimal("25")),
                        new CostRow(DAY, "wrkspc_a", "Web Search Usage", "web_search", null, null, null, null, null,
                                "USD", new BigDecimal("0.000001")))),
                new CostDay(DAY.plusDays(1), List.of())), true, "page_MjAyNi0wOC0xMlQwMDowMDowMFo=");

        // WHEN written and parsed back
        CostPage back = parser.parseCostPage(bytes(ReportJsonWriter.costPage(page)));

        // THEN it is equal, amount scales included
        assertThat(back).isEqualTo(page);
    }

    @Test
    void theCostFixturesSurviveParsingWritingAndParsingAgain() {
        for (String name : List.of("cost-report-page-1.json", "cost-report-page-2.json", "cost-report-page-3.json")) {
            // GIVEN a realistic page, WHEN parsed, written and parsed again, THEN nothing changed
            CostPage first = parser.parseCostPage(bytes(fixture(name)));
            assertThat(parser.parseCostPage(bytes(ReportJsonWriter.costPage(first)))).as(name).isEqualTo(first);
        }
    }

    @Test
    void aUsagePageSurvivesWritingAndParsingUnchanged() {
        // GIVEN buckets with no key, both cache-write kinds, web searches and an empty bucket
        UsagePage page = new UsagePage(List.of(
                new UsageBucket(HOUR, HOUR.plusSeconds(3600), List.of(
                        new UsageRow(HOUR, null, null, "claude-opus-4-6", "priority", "0-200k", 150_000, 610_000,
                                12_000, 7, 41_000, 0),
                        new UsageRow(HOUR, "wrkspc_b", "apikey_1", "claude-sonnet-4-5-20250929", "batch", "200k-1M",
                                1, 2, 3, 4, 5, 6))),
                new UsageBucket(HOUR.plusSeconds(3600), HOUR.plusSeconds(7200), List.of())), false, null);

        // WHEN written and parsed back as an hourly report
        UsagePage back = parser.parseUsagePage(bytes(ReportJsonWriter.usagePage(page)), BucketWidth.HOUR);

        // THEN it is equal
        assertThat(back).isEqualTo(page);
        for (String name : List.of("usage-report-page-1.json", "usage-report-page-2.json",
                "usage-report-page-3.json")) {
            UsagePage first = parser.parseUsagePage(bytes(fixture(name)), BucketWidth.HOUR);
            assertThat(parser.parseUsagePage(bytes(ReportJsonWriter.usagePage(first)), BucketWidth.HOUR))
                    .as(name).isEqualTo(first);
        }
    }

    @Test
    void writesEveryDocumentedFieldWithExplicitNulls() throws Exception {
        // GIVEN a Default-workspace web search line and a Console usage row
        String cost = ReportJsonWriter.costPage(List.of(new CostDay(DAY, List.of(new CostRow(DAY, null,
                "Web Search Usage", "web_search", null, null, null, null, null, "USD", new BigDecimal("3.000000"))))),
                false, null);
        String usage = ReportJsonWriter.usagePage(List.of(new UsageBucket(HOUR, HOUR.plusSeconds(3600),
                List.of(new UsageRow(HOUR, null, null, "m", null, null, 1, 2, 3, 4, 5, 6)))), false, null);

        // THEN the cost row has all ten fields, amount as a string of cents, nulls explicit
        JsonNode costRoot = tree(cost);
        JsonNode costRow = costRoot.at("/data/0/results/0");
        assertThat(iterable(costRow.fieldNames())).containsExactly("amount", "context_window", "cost_type",
                "currency", "description", "inference_geo", "model", "service_tier", "token_type", "workspace_id");
        assertThat(costRow.get("amount").isTextual()).isTrue();
        assertThat(costRow.get("amount").asText()).isEqualTo("3.000000");
        assertThat(costRow.get("workspace_id").isNull()).isTrue();
        assertThat(costRow.get("model").isNull()).isTrue();
        assertThat(costRow.get("currency").asText()).isEqualTo("USD");
        assertThat(costRoot.at("/data/0/starting_at").asText()).isEqualTo("2026-08-10T00:00:00Z");
        assertThat(costRoot.at("/data/0/ending_at").asText()).isEqualTo("2026-08-11T00:00:00Z");
        assertThat(costRoot.get("has_more").asBoolean()).isFalse();
        assertThat(costRoot.get("next_page").isNull()).isTrue();

        // AND the usage row has all thirteen fields, cache writes and web searches nested
        JsonNode usageRow = tree(usage).at("/data/0/results/0");
        assertThat(iterable(usageRow.fieldNames())).containsExactly("account_id", "api_key_id", "cache_creation",
                "cache_read_input_tokens", "context_window", "inference_geo", "model", "output_tokens",
                "server_tool_use", "service_account_id", "service_tier", "uncached_input_tokens", "workspace_id");
        assertThat(usageRow.at("/cache_creation/ephemeral_5m_input_tokens").asLong()).isEqualTo(3);
        assertThat(usageRow.at("/cache_creation/ephemeral_1h_input_tokens").asLong()).isEqualTo(4);
        assertThat(usageRow.at("/server_tool_use/web_search_requests").asLong()).isEqualTo(6);
        assertThat(usageRow.get("api_key_id").isNull()).isTrue();
        assertThat(usageRow.get("workspace_id").isNull()).isTrue();
        assertThat(usageRow.has("cache_creation_input_tokens")).isFalse();
    }

    @Test
    void workspacePagesRoundTripWithIdCursors() throws Exception {
        // GIVEN two workspaces, one archived
        List<Workspace> workspaces = List.of(new Workspace("wrkspc_a", "A", Optional.empty()),
                new Workspace("wrkspc_b", "B", Optional.of(Instant.parse("2026-02-14T17:30:00Z"))));

        // WHEN written and parsed back
        String json = ReportJsonWriter.workspacesPage(workspaces, true);
        WorkspacePage back = parser.parseWorkspacePage(bytes(json));

        // THEN the same workspaces, and last_id is the cursor
        assertThat(back).isEqualTo(new WorkspacePage(workspaces, true, "wrkspc_b"));
        assertThat(tree(json).get("first_id").asText()).isEqualTo("wrkspc_a");
    }

    @Test
    void errorBodiesHaveAnthropicsShapeAndAreReadBackByTheClient() throws Exception {
        // GIVEN an error body and a spend-limit body
        String body = ReportJsonWriter.errorBody("rate_limit_error", "slow down", "req_123");
        String spend = ReportJsonWriter.spendLimitErrorBody("You have reached your API usage limits.", "req_9");

        // THEN the documented shape
        JsonNode root = tree(body);
        assertThat(root.get("type").asText()).isEqualTo("error");
        assertThat(root.at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(root.at("/error/message").asText()).isEqualTo("slow down");
        assertThat(root.get("request_id").asText()).isEqualTo("req_123");
        assertThat(tree(ReportJsonWriter.errorBody("api_error", "x")).get("request_id").asText()).startsWith("req_");

        // AND the client's error reader understands both
        HttpHeaders none = HttpHeaders.of(Map.of(), (name, value) -> true);
        ApiError read = ApiError.from(429, bytes(body), none);
        assertThat(read.type()).isEqualTo("rate_limit_error");
        assertThat(read.message()).isEqualTo("slow down");
        assertThat(read.requestId()).isEqualTo("req_123");
        assertThat(read.spendLimitReached()).isFalse();
        assertThat(ApiError.from(429, bytes(spend), none).spendLimitReached()).isTrue();
    }

    @Test
    void theWriterIsFaithfulSoTestsCanBuildPagesTheParserMustRefuse() {
        // GIVEN a line in euros, WHEN written and parsed, THEN the parser refuses what the writer wrote as given
        String euros = ReportJsonWriter.costPage(List.of(new CostDay(DAY, List.of(new CostRow(DAY, null, null, null,
                null, null, null, null, null, "EUR", BigDecimal.ONE)))), false, null);
        assertThat(euros).contains("\"EUR\"");
        assertThatThrownBy(() -> parser.parseCostPage(bytes(euros))).isInstanceOf(ReportParseException.class)
                .hasMessageContaining("EUR");
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
