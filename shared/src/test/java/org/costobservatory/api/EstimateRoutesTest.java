package org.costobservatory.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.config.Config;
import org.costobservatory.domain.ClientEstimate;
import org.costobservatory.json.Json;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /v1/estimates}: all or nothing, idempotent, bounded, and hostile bodies refused quickly with the line
 * and field named, storing nothing.
 */
class EstimateRoutesTest {
    private static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");
    private static final LocalDate DAY = LocalDate.parse("2026-11-09");
    private Components components;
    private ApiRouter router;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(local.client()).clock(Clock.fixed(NOW, ZoneOffset.UTC)).alertPublisher(m -> "sent").build();
        router = components.router(false);
    }

    private ApiResponse post(byte[] body) {
        return router.handle(new ApiRequest("POST", "/v1/estimates", "", Map.of("content-type",
                "application/x-ndjson"), body, Optional.empty()));
    }

    private ApiResponse post(String body) {
        return post(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String line(String run, String cost) {
        return "{\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": " + cost + ", \"model\": \"claude-sonnet-4-6\""
                + (run == null ? "" : ", \"run_id\": \"" + run + "\"") + "}";
    }

    private List<ClientEstimate> stored() {
        return components.estimates().days(DAY.minusDays(400), DAY.plusDays(2));
    }

    private static String message(ApiResponse response) throws IOException {
        return Json.mapper().readTree(response.body()).at("/error/message").asText();
    }

    @Test
    void recordsAreStoredWithEveryFieldAndTheAnswerCountsThem() throws Exception {
        ApiResponse response = post(String.join("\n", "{\"time\": \"2026-11-09T14:05:00+01:00\", \"cost_usd\": "
                        + "0.4213, \"model\": \"claude-sonnet-4-6\", \"workspace_id\": \"default\", \"api_key_id\": "
                        + "\"apikey_01Engine\", \"run_id\": \"run-8812\", \"source\": \"agent-sdk\", "
                        + "\"input_tokens\": 1200, \"output_tokens\": 800, \"cache_read_input_tokens\": 40000, "
                        + "\"cache_creation_input_tokens\": 2000}", "", line(null, "1.5"), "\r"));

        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        JsonNode answer = Json.mapper().readTree(response.body());
        assertThat(answer.path("received").asInt()).isEqualTo(2);
        assertThat(answer.path("stored").asInt()).isEqualTo(2);
        assertThat(answer.path("from").asText()).isEqualTo("2026-11-09");
        ClientEstimate run = stored().stream().filter(e -> e.runId().isPresent()).findFirst().orElseThrow();
        assertThat(run.time()).isEqualTo(Instant.parse("2026-11-09T13:05:00Z"));
        assertThat(run.costUsd()).isEqualByComparingTo("0.4213");
        assertThat(run.apiKeyId()).contains("apikey_01Engine");
        assertThat(run.cacheCreationInputTokens()).contains(2000L);
        assertThat(run.source()).contains("agent-sdk");
    }

    @Test
    void sendingTheSameRecordsAgainDoesNotDoubleThem() {
        String body = String.join("\n", line("run-1", "2.50"), line(null, "1.25"), line(null, "1.25"));
        assertThat(post(body).status()).isEqualTo(200);
        assertThat(post(body).status()).isEqualTo(200);
        // a run's final figure replaces its earlier one
        assertThat(post(line("run-1", "3.00")).status()).isEqualTo(200);

        assertThat(stored()).hasSize(2);
        assertThat(stored().stream().map(ClientEstimate::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo("4.25");
    }

    @Test
    void oneBadLineRefusesTheWholeBodyNamingTheLineAndField() throws Exception {
        ApiResponse response = post(String.join("\n", line("run-1", "1"), line("run-2", "2"),
                "{\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": -3}"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(message(response)).isEqualTo("line 3, cost_usd: must not be negative");
        assertThat(stored()).isEmpty();
    }

    @Test
    void oneRunWithTwoDifferentFiguresInOneBodyIsRefused() throws Exception {
        ApiResponse response = post(String.join("\n", line("run-1", "1"), line("run-1", "2")));
        assertThat(response.status()).isEqualTo(400);
        assertThat(message(response)).startsWith("line 2, run_id: 'run-1' is already on line 1");
        assertThat(stored()).isEmpty();
    }

    static List<Object[]> hostileBodies() {
        String ok = "\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": 1";
        return List.of(
                new Object[] {"{" + ok + ", \"cost_usd\": 2}", "line 1: is not valid JSON (or repeats a field)"},
                new Object[] {"{\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": 1e-999999999}",
                        "line 1, cost_usd: must have at most 8 decimal places"},
                new Object[] {"{\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": \"1e999999999\"}",
                        "line 1, cost_usd: must be less than 1e7"},
                new Object[] {"{\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": 0.1e-2147483647}",
                        "line 1, cost_usd: must be a number within range"},
                new Object[] {"{" + ok + ", \"input_tokens\": 1E+2147483647}",
                        "line 1, input_tokens: must be less than 1e15"},
                new Object[] {"{" + ok + ", \"output_tokens\": 2.5}",
                        "line 1, output_tokens: must be a whole number"},
                new Object[] {"{" + ok + ", \"output_tokens\": \"12\"}",
                        "line 1, output_tokens: must be a whole number"},
                new Object[] {"{" + ok + "} {" + ok + "}",
                        "line 1: holds more than one JSON value; one record per line"},
                new Object[] {"[" + "[".repeat(4000) + "]".repeat(4000) + "]", "line 1: is not valid JSON"},
                new Object[] {"\"just text\"", "line 1: must be a JSON object"},
                new Object[] {"{" + ok + ", \"" + "x".repeat(5000) + "\": 1}",
                        "line 1: a field is not an estimate field"},
                new Object[] {"{" + ok + ", \"total_cost_usd\": 1}",
                        "line 1: 'total_cost_usd' is not an estimate field"},
                new Object[] {"{\"cost_usd\": 1}", "line 1, time: is required"},
                new Object[] {"{\"time\": \"yesterday\", \"cost_usd\": 1}", "line 1, time: must be an RFC 3339"},
                new Object[] {"{\"time\": \"2026-11-09T14:05:00\", \"cost_usd\": 1}",
                        "line 1, time: must be an RFC 3339"},
                new Object[] {"{\"time\": \"9999-11-09T14:05:00Z\", \"cost_usd\": 1}",
                        "line 1, time: must be between 2020-01-01 and tomorrow"},
                new Object[] {"{\"time\": \"2026-11-09T14:05:00Z\"}", "line 1, cost_usd: is required"},
                new Object[] {"{" + ok + ", \"model\": \"claude <script>\"}", "line 1, model: must be a model id"},
                new Object[] {"{" + ok + ", \"run_id\": \"a#b\"}", "line 1, run_id: must be 1 to 200 characters"},
                new Object[] {"{" + ok + ", \"workspace_id\": \"../etc\"}",
                        "line 1, workspace_id: must be 'default' or a workspace id"},
                new Object[] {"{" + ok + ", \"source\": \"x\\u0000y\"}", "line 1, source: must be 1 to 64 plain"},
                new Object[] {"{" + ok + "}\n{" + ok + ", \"cost_usd\": 2}",
                        "line 2: is not valid JSON (or repeats a field)"},
                new Object[] {"{\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": " + "9".repeat(900) + "}",
                        "line 1, cost_usd: must have at most 24 significant digits"});
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("hostileBodies")
    void aHostileBodyIsRefusedQuicklyAndStoresNothing(String body, String expected) throws Exception {
        long started = System.nanoTime();
        ApiResponse response = post(line("first", "1") + "\n" + body);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.status()).as(response.bodyText()).isEqualTo(400);
        assertThat(message(response)).startsWith(expected.replace("line 2", "line 3").replace("line 1", "line 2"));
        assertThat(message(response)).hasSizeLessThan(400).doesNotContain("xxxxxxxxxx");
        assertThat(elapsed).isLessThan(Duration.ofSeconds(2));
        assertThat(stored()).isEmpty();
    }

    @Test
    void bodiesOverTheLimitsAreRefused() throws Exception {
        byte[] big = new byte[EstimateLines.MAX_BODY + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        ApiResponse tooBig = post(big);
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(message(tooBig)).startsWith("the body is larger than 1048576 bytes");

        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= EstimateLines.MAX_LINES; i++) {
            many.append("{\"time\":\"2026-11-09T14:05:00Z\",\"cost_usd\":1}\n");
        }
        ApiResponse tooMany = post(many.toString());
        assertThat(message(tooMany)).isEqualTo("line 10001: a body holds at most 10000 records");

        ApiResponse longLine = post("{\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": 1, \"source\": \""
                + " ".repeat(9000) + "\"}");
        assertThat(message(longLine)).isEqualTo("line 1: longer than 8192 bytes");

        ApiResponse notUtf8 = post(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
        assertThat(message(notUtf8)).isEqualTo("the body is not valid UTF-8");
        assertThat(message(post(new byte[0]))).startsWith("the body must be JSON Lines");
        assertThat(message(post("\n\n  \n"))).startsWith("the body holds no records");
        assertThat(stored()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"GET", "PUT", "DELETE"})
    void onlyPostIsAllowed(String method) {
        ApiResponse response = router.handle(new ApiRequest(method, "/v1/estimates", "", Map.of(), new byte[0],
                Optional.empty()));
        assertThat(response.status()).isEqualTo(405);
        assertThat(response.headers().get("allow")).isEqualTo("POST");
    }
}
