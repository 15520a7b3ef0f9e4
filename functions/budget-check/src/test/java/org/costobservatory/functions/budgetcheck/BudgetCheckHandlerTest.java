package org.costobservatory.functions.budgetcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.config.Config;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.json.Json;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.HttpApiCalls;
import org.costobservatory.testing.MotoServer;
import org.costobservatory.testing.TableDump;
import org.costobservatory.testing.TestContext;
import org.costobservatory.wiring.Components;
import org.costobservatory.wiring.Functions;
import org.costobservatory.wiring.SnsAlertPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** The budget-check function through its real handler, with API Gateway events from {@code events/}. */
class BudgetCheckHandlerTest {
    static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicInteger dynamoCalls = new AtomicInteger();
    private AlertInbox inbox;
    private Components components;
    private BudgetCheckHandler handler;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        inbox = new AlertInbox(MotoServer.shared());
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(local.client(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        dynamoCalls.incrementAndGet();
                    }
                }))
                .clock(clock)
                .alertPublisher(inbox.publisher())
                .build();
        handler = new BudgetCheckHandler(components.router(true));
    }

    @AfterEach
    void tearDown() {
        inbox.close();
    }

    @Test
    void primingBeforeTheSnapshotReadsTheStoreAndWritesNothing() {
        HttpApiCalls.call(handler, event("put-budget.json"));
        List<String> before = TableDump.withoutRunMetadata(DynamoDbLocal.shared().client(),
                components.config().tableName());
        dynamoCalls.set(0);

        assertThat(handler.prime()).as("the throwaway request reached the store").isEqualTo(404);

        assertThat(dynamoCalls.get()).isPositive();
        assertThat(TableDump.withoutRunMetadata(DynamoDbLocal.shared().client(), components.config().tableName()))
                .isEqualTo(before);
        assertThat(inbox.drain()).isEmpty();
    }

    @Test
    void theEventJsonIsReadAsLambdaHandsItOverAndWhatIsNoEventGetsA400() throws Exception {
        HttpApiCalls.call(handler, event("put-budget.json"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = BudgetCheckHandlerTest.class.getResourceAsStream("/events/headroom.json")) {
            handler.handleRequest(in, out, new TestContext());
        }
        JsonNode answer = Json.mapper().readTree(out.toByteArray());
        assertThat(answer.get("statusCode").asInt()).isEqualTo(200);
        assertThat(answer.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(Json.mapper().readTree(answer.get("body").asText()).path("budget").asText())
                .isEqualTo("team-agents");

        out.reset();
        handler.handleRequest(new ByteArrayInputStream("[\"not an event\"]".getBytes(StandardCharsets.UTF_8)), out,
                new TestContext());
        JsonNode refused = Json.mapper().readTree(out.toByteArray());
        assertThat(refused.get("statusCode").asInt()).isEqualTo(400);
        assertThat(refused.get("body").asText()).contains("not an API Gateway HTTP API event");
    }

    // ------------------------------------------------------------------ fixtures

    static APIGatewayV2HTTPEvent event(String name) {
        return EventLoader.loadApiGatewayHttpEvent("events/" + name);
    }

    static APIGatewayV2HTTPEvent headroom(String rawQuery) {
        APIGatewayV2HTTPEvent event = event("headroom.json");
        event.setRawQueryString(rawQuery);
        return event;
    }

    APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return HttpApiCalls.call(handler, event);
    }

    static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    /** Settled $70.00 on two November days and $5.12 of usage this morning, all in the Default workspace. */
    void seedSpend() {
        RunInfo cost = RunInfo.scheduled(ReportKind.COST, Instant.parse("2026-11-24T02:30:00Z"), NOW);
        components.reports().replaceCostDay(new CostDay(LocalDate.parse("2026-11-10"), List.of(costRow("2026-11-10",
                "5000"))), cost);
        components.reports().replaceCostDay(new CostDay(LocalDate.parse("2026-11-20"), List.of(costRow("2026-11-20",
                "2000"))), cost);
        components.watermarks().advance(ReportKind.COST, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"));
        addUsage("2026-11-24T08:00:00Z", 100_000);   // 250 cents of Opus output
        addUsage("2026-11-24T09:00:00Z", 104_800);   // 262 cents
        components.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T10:00:00Z"));
    }

    static CostRow costRow(String date, String cents) {
        return new CostRow(LocalDate.parse(date), null, "Claude Opus 4.6 Usage - Output Tokens", "tokens",
                "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD", new BigDecimal(cents));
    }

    void addUsage(String hour, long outputTokens) {
        UsageRow row = new UsageRow(Instant.parse(hour), null, "apikey_01Engine", "claude-opus-4-6", "standard",
                "0-200k", 0, 0, 0, 0, outputTokens, 0);
        components.reports().replaceUsageHour(Instant.parse(hour), List.of(new PricedUsageRow(row,
                components.pricer().price(row))), RunInfo.manual(ReportKind.USAGE, clock.instant()));
    }

    void putBudget() {
        APIGatewayV2HTTPResponse response = call(event("put-budget.json"));
        assertThat(response.getStatusCode()).isIn(200, 201);
    }

    // ------------------------------------------------------------------ headroom

    @Test
    void answersHeadroomWithSettledAndProvisionalParts() throws Exception {
        seedSpend();
        putBudget();

        APIGatewayV2HTTPResponse response = call(event("headroom.json"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("content-type", "application/json");
        JsonNode answer = body(response);
        assertThat(answer.get("budget").asText()).isEqualTo("team-agents");
        assertThat(answer.get("decision").asText()).isEqualTo("warn");
        assertThat(answer.get("limit_usd").decimalValue()).isEqualByComparingTo("100");
        assertThat(answer.get("spent_usd").decimalValue()).isEqualByComparingTo("75.12");
        assertThat(answer.get("settled_usd").decimalValue()).isEqualByComparingTo("70.00");
        assertThat(answer.get("provisional_usd").decimalValue()).isEqualByComparingTo("5.12");
        assertThat(answer.get("estimate_usd").decimalValue()).isEqualByComparingTo("2.50");
        assertThat(answer.get("held_usd").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(answer.get("recent_usd").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(answer.get("remaining_usd").decimalValue()).as("limit - (spent + held + recent + estimate)")
                .isEqualByComparingTo("22.38");
        assertThat(answer.get("percent_used").decimalValue()).isEqualByComparingTo("75.12");
        assertThat(answer.get("spent_usd").isNumber()).isTrue();
        assertThat(answer.at("/period/start").asText()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(answer.at("/period/end").asText()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(answer.at("/period/time_zone").asText()).isEqualTo("UTC");
        assertThat(answer.get("resets_at").asText()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(answer.get("settled_through").asText()).isEqualTo("2026-11-23");
        assertThat(answer.get("data_as_of").asText()).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(answer.get("stale").asBoolean()).isFalse();
        assertThat(answer.get("thresholds_crossed").toString()).isEqualTo("[50,75]");
        assertThat(answer.get("basis").asText()).isEqualTo("cost_report");
        assertThat(answer.get("unpriced_models").isArray()).isTrue();
    }

    @Test
    void theDeployedWiringWritesOneMetricPerHeadroomCallWithItsDecision() throws Exception {
        putBudget();
        List<String> lines = new ArrayList<>();
        BudgetCheckHandler deployed = new BudgetCheckHandler(Functions.budgetCheck(Map.of(
                "TABLE_NAME", components.config().tableName(),
                "AWS_ENDPOINT_URL_DYNAMODB", DynamoDbLocal.shared().endpoint().toString(), "AWS_REGION", "us-east-1",
                "METRICS_NAMESPACE", "CostObservatory/test-stack"), lines::add));

        APIGatewayV2HTTPResponse response = HttpApiCalls.call(deployed, event("headroom.json"));
        HttpApiCalls.call(deployed, event("list-budgets.json"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(lines).as("the headroom call's count and latency; nothing for the budget list").hasSize(2);
        JsonNode calls = Json.mapper().readTree(lines.get(0));
        assertThat(calls.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("CostObservatory/test-stack");
        assertThat(calls.get("Decision").asText()).isEqualTo(body(response).get("decision").asText());
        assertThat(calls.get("HeadroomCalls").asInt()).isEqualTo(1);
        assertThat(Json.mapper().readTree(lines.get(1)).get("HeadroomLatencyMs").asDouble()).isPositive();
    }

    @Test
    void withoutABudgetItAnswersForEveryBudgetMostConstrainedFirst() throws Exception {
        seedSpend();
        putBudget();
        APIGatewayV2HTTPEvent roomy = event("put-budget.json");
        roomy.setRawPath("/v1/budgets/org-monthly");
        roomy.setBody("{\"limit_usd\": 1000, \"period\": \"monthly\"}");
        assertThat(call(roomy).getStatusCode()).isEqualTo(201);

        JsonNode all = body(call(event("headroom-all.json")));

        assertThat(all.get("decision").asText()).isEqualTo("warn");
        assertThat(all.get("budgets")).extracting(b -> b.get("budget").asText())
                .containsExactly("team-agents", "org-monthly");
        assertThat(all.at("/budgets/1/decision").asText()).isEqualTo("allow");
    }

    @Test
    void anEstimateThatReachesTheLimitIsDenied() throws Exception {
        seedSpend();
        putBudget();
        JsonNode answer = body(call(headroom("budget=team-agents&estimate_usd=24.88")));
        assertThat(answer.get("decision").asText()).isEqualTo("deny");
        assertThat(body(call(headroom("budget=team-agents&estimate_usd=24.87"))).get("decision").asText())
                .isEqualTo("warn");
    }

    @Test
    void staleDataTurnsAllowIntoWarn() throws Exception {
        seedSpend();
        APIGatewayV2HTTPEvent put = event("put-budget.json");
        put.setBody("{\"limit_usd\": 1000, \"period\": \"monthly\"}");
        call(put);
        clock.set(Instant.parse("2026-11-24T13:00:01Z"));   // newest usage ends 10:00, bound is 3 hours

        JsonNode answer = body(call(event("headroom.json")));

        assertThat(answer.get("stale").asBoolean()).isTrue();
        assertThat(answer.get("decision").asText()).isEqualTo("warn");
    }

    @Test
    void anUnknownBudgetIs404() throws Exception {
        APIGatewayV2HTTPResponse response = call(event("headroom-unknown-budget.json"));
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(body(response).at("/error/type").asText()).isEqualTo("not_found");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "budget=team-agents&estimate_usd=-5",
            "budget=team-agents&estimate_usd=NaN",
            "budget=team-agents&estimate_usd=Infinity",
            "budget=team-agents&estimate_usd=1e309",
            "budget=team-agents&estimate_usd=99999999999",
            "budget=team-agents&estimate_usd=",
            "budget=team-agents&estimate_usd=0x10",
            "budget=team-agents&dry_run=true",
            "budget=team-agents&budget=other",
            "budget=Team_Agents",
            "budget=..%2Fx",
            "budget=%00",
            "budget=%F0%9F%92%B8",
            "budget=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void badInputIs400WithoutTouchingTheStore(String query) throws Exception {
        dynamoCalls.set(0);
        APIGatewayV2HTTPResponse response = call(headroom(query));
        assertThat(response.getStatusCode()).isEqualTo(400);
        JsonNode error = body(response);
        assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request");
        assertThat(error.at("/error/message").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(dynamoCalls.get()).isZero();
    }

    @Test
    void theEventFilesForBadInputGet400() throws Exception {
        assertThat(call(event("headroom-bad-estimate.json")).getStatusCode()).isEqualTo(400);
        assertThat(body(call(event("headroom-unknown-parameter.json"))).at("/error/message").asText())
                .contains("dry_run");
    }

    @Test
    void aRequestWithoutAnIamCallerIsRefused() throws Exception {
        APIGatewayV2HTTPResponse response = call(event("headroom-without-iam.json"));
        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(body(response).at("/error/type").asText()).isEqualTo("forbidden");
    }

    @Test
    void anUnreachableStoreIs503WithRetryAfterNeverAGuess() throws Exception {
        DynamoDbLocal down = DynamoDbLocal.privateInstance();
        String table = down.newTable();
        Components broken = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table))).dynamo(down.client())
                .clock(clock).alertPublisher(message -> "unused").build();
        down.stop();
        BudgetCheckHandler brokenHandler = new BudgetCheckHandler(broken.router(true));

        APIGatewayV2HTTPResponse response = HttpApiCalls.call(brokenHandler, event("headroom.json"));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(response.getHeaders()).containsKey("retry-after");
        assertThat(body(response).has("decision")).isFalse();
        assertThat(body(response).at("/error/type").asText()).isEqualTo("store_unavailable");
    }

    // ------------------------------------------------------------------ budgets

    @Test
    void budgetsAreCreatedReadListedReplacedAndDeleted() throws Exception {
        APIGatewayV2HTTPResponse created = call(event("put-budget.json"));
        assertThat(created.getStatusCode()).isEqualTo(201);
        assertThat(body(created).get("limit_usd").decimalValue()).isEqualByComparingTo("100");
        assertThat(call(event("put-budget.json")).getStatusCode()).isEqualTo(200);

        JsonNode read = body(call(event("get-budget.json")));
        assertThat(read.get("name").asText()).isEqualTo("team-agents");
        assertThat(read.at("/scope/workspace_id").asText()).isEqualTo("default");
        assertThat(read.get("thresholds_percent").toString()).isEqualTo("[50,75,100]");
        assertThat(body(call(event("list-budgets.json"))).get("budgets")).hasSize(1);

        assertThat(call(event("delete-budget.json")).getStatusCode()).isEqualTo(200);
        assertThat(call(event("get-budget.json")).getStatusCode()).isEqualTo(404);
        assertThat(call(event("delete-budget.json")).getStatusCode()).isEqualTo(404);
    }

    @Test
    void anInvalidBudgetIsRefusedNamingTheField() throws Exception {
        APIGatewayV2HTTPResponse response = call(event("put-budget-invalid.json"));
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).at("/error/message").asText()).startsWith("limit_usd:");
        assertThat(call(event("get-budget.json")).getStatusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ alerts

    @Test
    void eightConcurrentChecksSendExactlyOneMessageNamingTheHighestThreshold() throws Exception {
        seedSpend();
        putBudget();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(pool.submit(() -> {
                start.await();
                return call(event("headroom.json")).getStatusCode();
            }));
        }
        start.countDown();
        for (Future<Integer> status : statuses) {
            assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(200);
        }
        pool.shutdown();

        List<JsonNode> messages = inbox.drain();
        assertThat(messages).hasSize(1);
        JsonNode message = messages.get(0);
        assertThat(message.get("Subject").asText())
                .isEqualTo("[Cost Observatory] team-agents at 75% \u2014 $75.12 of $100.00 (monthly, resets 2026-12-01)");
        assertThat(message.get("Message").asText()).contains("Spent:        $75.12 of $100.00 (75.12%)")
                .contains("Crossed:      50%, 75%");
        assertThat(AlertInbox.attributes(message)).containsEntry("budget", "team-agents")
                .containsEntry("threshold", "75").containsEntry("severity", "warning");
        JsonNode alerts = body(call(event("list-alerts.json"))).get("alerts");
        assertThat(alerts).extracting(a -> a.get("threshold_percent").asText()).containsExactlyInAnyOrder("50", "75");
        assertThat(alerts).allSatisfy(a -> {
            assertThat(a.get("state").asText()).isEqualTo("sent");
            assertThat(a.at("/period/start").asText()).isEqualTo("2026-11-01T00:00:00Z");
            assertThat(a.get("sent_at").asText()).isNotBlank();
        });
    }

    @Test
    void laterCrossingsAlertOnceEachAndANewPeriodReArms() throws Exception {
        seedSpend();
        putBudget();
        call(event("headroom.json"));
        assertThat(inbox.drain()).hasSize(1);

        // spend passes 100 %: one critical message; further checks send nothing
        addUsage("2026-11-24T07:00:00Z", 1_200_000);   // +30.00
        call(event("headroom.json"));
        call(event("headroom.json"));
        List<JsonNode> critical = inbox.drain();
        assertThat(critical).hasSize(1);
        assertThat(AlertInbox.attribute(critical.get(0), "threshold")).isEqualTo("100");
        assertThat(AlertInbox.attribute(critical.get(0), "severity")).isEqualTo("critical");

        // December: the thresholds re-arm; the first crossing of the new month alerts again
        clock.set(Instant.parse("2026-12-02T10:30:00Z"));
        components.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-11-24T10:00:00Z"),
                Instant.parse("2026-12-02T10:00:00Z"));
        call(event("headroom.json"));
        assertThat(inbox.drain()).isEmpty();
        addUsage("2026-12-01T12:00:00Z", 2_400_000);    // 60.00 of 100
        call(event("headroom.json"));
        List<JsonNode> december = inbox.drain();
        assertThat(december).hasSize(1);
        assertThat(december.get(0).get("Subject").asText()).contains("at 50%").contains("resets 2027-01-01");
    }

    @Test
    void aCrashBetweenClaimAndPublishIsHealedOnceTheLeaseExpires() throws Exception {
        seedSpend();
        putBudget();
        AtomicInteger attempts = new AtomicInteger();
        SnsAlertPublisher real = inbox.publisher();
        Components crashing = Components.builder(components.config()).dynamo(components.dynamo()).clock(clock)
                .alertPublisher(message -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("process died after claiming");
                    }
                    return real.publish(message);
                }).build();
        BudgetCheckHandler crashingHandler = new BudgetCheckHandler(crashing.router(true));

        // the first check claims 50 and 75, then "crashes" before publishing; its answer is still served
        assertThat(HttpApiCalls.call(crashingHandler, event("headroom.json")).getStatusCode())
                .isEqualTo(200);
        // while the claim's lease runs, nobody else sends
        HttpApiCalls.call(crashingHandler, event("headroom.json"));
        assertThat(inbox.drain()).isEmpty();

        // after the lease (5 minutes by default), the next check takes over and sends exactly once
        clock.advance(java.time.Duration.ofMinutes(6));
        HttpApiCalls.call(crashingHandler, event("headroom.json"));
        HttpApiCalls.call(crashingHandler, event("headroom.json"));
        assertThat(inbox.drain()).hasSize(1);
        assertThat(attempts.get()).isEqualTo(2);
    }
}
