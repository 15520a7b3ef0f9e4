package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.config.Config;
import org.costobservatory.functions.budgetcheck.BudgetCheckHandler;
import org.costobservatory.json.Json;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.HttpApiCalls;
import org.costobservatory.testing.TableDump;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Security finding F1: a decimal with an extreme exponent ({@code 1e-999999999} is twelve characters and a billion
 * digits written out) must be refused with a 400 naming its field, quickly and without building anything large.
 * Every decimal the API accepts is sent as a JSON number and as a string, with huge and tiny exponents.
 */
class HostileDecimalsTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    /** A request that formats a billion-digit number allocates gigabytes; a refused one allocates almost nothing. */
    private static final long MAX_ALLOCATED_BYTES = 64L * 1024 * 1024;
    private static final List<String> EXTREMES = List.of("1e-999999999", "1e-200000000", "1e999999999",
            "1E+2147483647", "-1e-999999999", "0.1e-2147483647");

    private static BudgetCheckHandler handler;
    private static String table;

    @BeforeAll
    static void handler() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        table = local.newTable();
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(local.client()).clock(new MutableClock(NOW)).alertPublisher(message -> "sent").build();
        handler = new BudgetCheckHandler(components.router(true));
        // Warm the handler, the SDK and Jackson so the bounds below measure the request, not class loading.
        send("PUT", "/v1/budgets/warm-up", "", "{\"limit_usd\": 5, \"period\": \"monthly\"}");
        send("GET", "/v1/headroom", "budget=warm-up&estimate_usd=1", null);
    }

    static Stream<Arguments> hostileBudgets() {
        List<Arguments> cases = new ArrayList<>();
        for (String value : EXTREMES) {
            for (String form : List.of(value, "\"" + value + "\"")) {
                cases.add(Arguments.of("limit_usd", "{\"limit_usd\": " + form + ", \"period\": \"monthly\"}"));
                cases.add(Arguments.of("warn_percent",
                        "{\"limit_usd\": 1, \"period\": \"monthly\", \"warn_percent\": " + form + "}"));
                cases.add(Arguments.of("thresholds_percent",
                        "{\"limit_usd\": 1, \"period\": \"monthly\", \"thresholds_percent\": [" + form + "]}"));
                cases.add(Arguments.of("thresholds_percent",
                        "{\"limit_usd\": 1, \"period\": \"monthly\", \"thresholds_percent\": [10, " + form + "]}"));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("hostileBudgets")
    void aBudgetWithAnExtremeDecimalIsRefusedQuicklyNamingTheField(String field, String body) {
        Measured measured = measure(() -> send("PUT", "/v1/budgets/x", "", body));

        assertThat(measured.response.getStatusCode()).as(body).isEqualTo(400);
        assertThat(message(measured.response)).as(body).startsWith(field + ":");
        assertThat(measured.elapsed).as("time to refuse %s", body).isLessThan(Duration.ofSeconds(1));
        assertThat(measured.allocatedBytes).as("bytes allocated to refuse %s", body).isLessThan(MAX_ALLOCATED_BYTES);
        assertThat(TableDump.all(DynamoDbLocal.shared().client(), table)).as("nothing stored for x")
                .noneMatch(item -> "x".equals(item.get("sk").s()));
    }

    @Test
    void anEstimateWithAnExtremeExponentIsRefusedQuickly() {
        for (String value : EXTREMES) {
            String query = "budget=warm-up&estimate_usd=" + value.replace("+", "%2B");
            Measured measured = measure(() -> send("GET", "/v1/headroom", query, null));

            assertThat(measured.response.getStatusCode()).as(value).isEqualTo(400);
            assertThat(message(measured.response)).as(value).contains("estimate_usd");
            assertThat(measured.elapsed).as(value).isLessThan(Duration.ofSeconds(1));
            assertThat(measured.allocatedBytes).as(value).isLessThan(MAX_ALLOCATED_BYTES);
        }
    }

    static Stream<Arguments> hostileEstimates() {
        List<Arguments> cases = new ArrayList<>();
        for (String value : EXTREMES) {
            for (String form : List.of(value, "\"" + value + "\"")) {
                cases.add(Arguments.of("cost_usd", "{\"time\": \"2026-11-20T10:00:00Z\", \"cost_usd\": " + form
                        + "}"));
            }
            cases.add(Arguments.of("input_tokens", "{\"time\": \"2026-11-20T10:00:00Z\", \"cost_usd\": 1, "
                    + "\"input_tokens\": " + value + "}"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("hostileEstimates")
    void anImportedEstimateWithAnExtremeDecimalIsRefusedQuicklyNamingTheLineAndField(String field, String line) {
        String body = "{\"time\": \"2026-11-20T09:00:00Z\", \"cost_usd\": 2, \"run_id\": \"fine\"}\n" + line;
        Measured measured = measure(() -> send("POST", "/v1/estimates", "", body));

        assertThat(measured.response.getStatusCode()).as(body).isEqualTo(400);
        assertThat(message(measured.response)).as(body).startsWith("line 2, " + field + ":");
        assertThat(measured.elapsed).as("time to refuse %s", body).isLessThan(Duration.ofSeconds(1));
        assertThat(measured.allocatedBytes).as("bytes allocated to refuse %s", body).isLessThan(MAX_ALLOCATED_BYTES);
        assertThat(TableDump.all(DynamoDbLocal.shared().client(), table)).as("nothing of the body stored")
                .noneMatch(item -> "ESTIMATE".equals(item.get("pk").s()));
    }

    static Stream<Arguments> hostileHolds() {
        List<Arguments> cases = new ArrayList<>();
        for (String value : EXTREMES) {
            for (String form : List.of(value, "\"" + value + "\"")) {
                cases.add(Arguments.of("POST", "/v1/holds", "estimate_usd", "{\"budget\": \"warm-up\", "
                        + "\"run_id\": \"run-1\", \"estimate_usd\": " + form + "}"));
                cases.add(Arguments.of("POST", "/v1/holds/hold_" + "0".repeat(32) + "/settle", "actual_usd",
                        "{\"actual_usd\": " + form + "}"));
            }
            cases.add(Arguments.of("POST", "/v1/holds", "ttl_seconds", "{\"budget\": \"warm-up\", "
                    + "\"run_id\": \"run-1\", \"estimate_usd\": 1, \"ttl_seconds\": " + value + "}"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{2}: {3}")
    @MethodSource("hostileHolds")
    void aHoldOrSettlementWithAnExtremeDecimalIsRefusedQuicklyNamingTheField(String method, String path,
                                                                               String field, String body) {
        Measured measured = measure(() -> send(method, path, "", body));

        assertThat(measured.response.getStatusCode()).as(body).isEqualTo(400);
        assertThat(message(measured.response)).as(body).startsWith(field + ":");
        assertThat(measured.elapsed).as("time to refuse %s", body).isLessThan(Duration.ofSeconds(1));
        assertThat(measured.allocatedBytes).as("bytes allocated to refuse %s", body).isLessThan(MAX_ALLOCATED_BYTES);
        assertThat(TableDump.all(DynamoDbLocal.shared().client(), table)).as("no hold stored")
                .noneMatch(item -> item.get("pk").s().startsWith("HOLD#"));
    }

    @Test
    void ordinaryDecimalsStillWork() {
        APIGatewayV2HTTPResponse response = send("PUT", "/v1/budgets/fine", "",
                "{\"limit_usd\": \"1500.50\", \"period\": \"monthly\", \"warn_percent\": 62.5, "
                        + "\"thresholds_percent\": [12.125, 50, \"1E+2\"]}");

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode budget = json(response);
        assertThat(budget.get("limit_usd").decimalValue()).isEqualByComparingTo("1500.50");
        assertThat(budget.get("thresholds_percent").toString()).isEqualTo("[12.125,50,100]");
    }

    private record Measured(APIGatewayV2HTTPResponse response, Duration elapsed, long allocatedBytes) {
    }

    private static Measured measure(java.util.function.Supplier<APIGatewayV2HTTPResponse> request) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        long started = System.nanoTime();
        APIGatewayV2HTTPResponse response = request.get();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        return new Measured(response, elapsed, threads.getThreadAllocatedBytes(thread) - allocatedBefore);
    }

    private static APIGatewayV2HTTPResponse send(String method, String path, String query, String body) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withRawPath(path).withRawQueryString(query)
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(body).withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path)
                                .build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM.builder()
                                        .withUserArn("arn:aws:iam::123456789012:user/budget-admin").build())
                                .build())
                        .build())
                .build();
        return HttpApiCalls.call(handler, event);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return Json.mapper().readTree(response.getBody().getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String message(APIGatewayV2HTTPResponse response) {
        return json(response).at("/error/message").asText();
    }
}
