package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.functions.budgetcheck.BudgetCheckHandler;
import org.costobservatory.json.Json;
import org.costobservatory.local.ApiGatewayAdapter;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.HttpApiCalls;
import org.costobservatory.testing.TableDump;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Cases 17 and 18: headroom with stale data and with the store unreachable, the agent's client failing closed, and
 * hostile input — all over real HTTP through the local adapter and the real handler.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HeadroomFaultsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicInteger dynamoCalls = new AtomicInteger();
    private String table;
    private DynamoDbClient plain;
    private ApiGatewayAdapter endpoint;

    @BeforeEach
    void setUp() throws Exception {
        DynamoDbLocal local = DynamoDbLocal.shared();
        table = local.newTable();
        plain = local.client();
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(local.client(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        dynamoCalls.incrementAndGet();
                    }
                })).clock(clock).alertPublisher(message -> "sent").build();
        LocalDate day = LocalDate.parse("2026-11-20");
        components.reports().replaceCostDay(new CostDay(day, List.of(Fixture.cost(day, null, "tokens",
                "claude-opus-4-6", "standard", "output_tokens", new BigDecimal("2000")))),
                RunInfo.manual(ReportKind.COST, NOW));
        components.watermarks().advance(ReportKind.COST, Fixture.midnight("2026-11-01"), Fixture.midnight("2026-11-24"));
        components.watermarks().advance(ReportKind.USAGE, Fixture.midnight("2026-11-01"),
                Instant.parse("2026-11-24T10:00:00Z"));
        components.budgets().put(new Budget("team", new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty()));
        endpoint = new ApiGatewayAdapter(0, new BudgetCheckHandler(components.router(false)), 8);
    }

    @AfterEach
    void tearDown() {
        endpoint.close();
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void case17_staleDataIsAnsweredAsStaleAndAStaleAllowBecomesWarn() throws Exception {
        JsonNode fresh = Json.mapper().readTree(send("GET", "/v1/headroom?budget=team", null).body());
        assertThat(fresh.get("decision").asText()).isEqualTo("allow");
        assertThat(fresh.get("stale").asBoolean()).isFalse();

        clock.set(Instant.parse("2026-11-24T13:00:01Z"));   // newest usage is 3 h 0 min 1 s old
        JsonNode stale = Json.mapper().readTree(send("GET", "/v1/headroom?budget=team", null).body());
        assertThat(stale.get("stale").asBoolean()).isTrue();
        assertThat(stale.get("decision").asText()).isEqualTo("warn");
        assertThat(stale.get("data_as_of").asText()).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(stale.get("spent_usd").decimalValue()).isEqualByComparingTo(fresh.get("spent_usd").decimalValue());
    }

    @Test
    void case17_anUnreachableStoreIs503AndTheAgentsClientFailsClosed() throws Exception {
        DynamoDbLocal down = DynamoDbLocal.privateInstance();
        String downTable = down.newTable();
        Components broken = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", downTable)))
                .dynamo(down.fastRetryClient()).clock(clock).alertPublisher(message -> "unused").build();
        down.stop();
        try (ApiGatewayAdapter dead = new ApiGatewayAdapter(0, new BudgetCheckHandler(broken.router(
                false)), 2)) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(dead.baseUrl()
                    + "/v1/headroom?budget=team")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("retry-after")).isPresent();
            assertThat(Json.mapper().readTree(response.body()).has("decision")).isFalse();

            ProcessBuilder builder = new ProcessBuilder("bash", "-c", ". '" + Path.of(System.getProperty(
                    "project.root"), "scripts", "check-headroom.sh") + "' && check_headroom team 1");
            builder.environment().put("COST_OBSERVATORY_URL", dead.baseUrl());
            builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
            Process client = builder.redirectErrorStream(true).start();
            assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String line = new String(client.getInputStream().readAllBytes()).trim();
            assertThat(client.exitValue()).isEqualTo(2);
            assertThat(line).contains("error (HTTP 503");
        }
    }

    @Test
    void case18_hostileInputIsRefusedWithoutTouchingTheStoreOrEchoingIt() throws Exception {
        int itemsBefore = TableDump.all(plain, table).size();
        String longName = "a".repeat(10_240);
        List<String> hostile = List.of(
                "/v1/headroom?budget=..%2Fx",
                "/v1/headroom?budget=" + longName,
                "/v1/headroom?budget=%F0%9F%92%B8%E2%80%AE",
                "/v1/headroom?budget=team%00",
                "/v1/headroom?budget=team&estimate_usd=-1",
                "/v1/headroom?budget=team&estimate_usd=NaN",
                "/v1/headroom?budget=team&estimate_usd=1e309",
                "/v1/headroom?budget=team&estimate_usd=",
                "/v1/headroom?budget=team&callback=alert(1)",
                "/v1/headroom?budget=team&budget=team",
                "/v1/budgets/..%2Fetc",
                "/v1/alerts?budget=%3Cscript%3E");
        for (String path : hostile) {
            dynamoCalls.set(0);
            HttpResponse<String> response = send("GET", path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            JsonNode error = Json.mapper().readTree(response.body());
            assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request");
            assertThat(response.body()).as(path).doesNotContain(longName.substring(0, 100)).doesNotContain("<script")
                    .doesNotContain("alert(1)").doesNotContain("Exception").doesNotContain("at org.");
            assertThat(dynamoCalls.get()).as("store calls for %s", path).isZero();
        }
        // hostile budget definitions are refused before anything is written
        for (String body : List.of("{\"limit_usd\": \"1e400\", \"period\": \"monthly\"}",
                "{\"limit_usd\": 10, \"period\": \"monthly\", \"scope\": {\"workspace_id\": \"<img src=x>\"}}",
                "{\"limit_usd\": 10, \"period\": \"monthly\", \"time_zone\": \"../../etc/passwd\"}",
                "[" + "[".repeat(5000) + "]".repeat(5001), "x".repeat(70_000))) {
            HttpResponse<String> response = send("PUT", "/v1/budgets/hostile", body);
            assertThat(response.statusCode()).as(body.substring(0, Math.min(60, body.length()))).isEqualTo(400);
            assertThat(response.body()).doesNotContain("<img").doesNotContain("passwd");
        }
        assertThat(send("PUT", "/v1/budgets/" + "b".repeat(65), "{\"limit_usd\": 1, \"period\": \"daily\"}")
                .statusCode()).isEqualTo(400);
        assertThat(TableDump.all(plain, table)).hasSize(itemsBefore);
    }

    @Test
    void case18_aRequestWithoutAnIamIdentityIsRefusedBeforeAnythingElse() throws Exception {
        DynamoDbLocal local = DynamoDbLocal.shared();
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table))).dynamo(local.client(
                new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        dynamoCalls.incrementAndGet();
                    }
                })).clock(clock).alertPublisher(message -> "sent").build();
        // the budget the signed event asks about exists, so the signed request is answered in full
        components.budgets().put(new Budget("team-agents", new BigDecimal("100"), BudgetPeriod.MONTHLY,
                ZoneOffset.UTC, BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT,
                Optional.empty(), Optional.empty(), Optional.empty()));
        BudgetCheckHandler deployed = new BudgetCheckHandler(components.router(true));
        APIGatewayV2HTTPEvent anonymous = EventLoader.loadApiGatewayHttpEvent("events/headroom-without-iam.json");
        dynamoCalls.set(0);

        var response = HttpApiCalls.call(deployed, anonymous);

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(dynamoCalls.get()).isZero();
        assertThat(HttpApiCalls.call(deployed, EventLoader.loadApiGatewayHttpEvent("events/headroom.json")).getStatusCode()).isEqualTo(200);
    }
}
