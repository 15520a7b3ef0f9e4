package org.costobservatory.functions.budgetcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.budget.HoldService;
import org.costobservatory.config.Config;
import org.costobservatory.domain.ApiKey;
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
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The budget hierarchy, holds and recorded budget changes through the real handler on DynamoDB Local, with API
 * Gateway events from {@code events/}. Spend: $75.12 in the Default workspace this month, all by apikey_01Engine on
 * Claude Opus; the usage is stored through 10:00 and it is 10:30.
 */
class HoldsHandlerTest {
    static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    static final String ENGINE = "arn:aws:iam::123456789012:user/agent-engine";

    private final MutableClock clock = new MutableClock(NOW);
    private final List<SdkRequest> dynamoCalls = new CopyOnWriteArrayList<>();
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
                        dynamoCalls.add(context.request());
                    }
                }))
                .clock(clock)
                .alertPublisher(inbox.publisher())
                .build();
        handler = new BudgetCheckHandler(components.router(true));
        seedSpend();
    }

    @AfterEach
    void tearDown() {
        inbox.close();
    }

    // ------------------------------------------------------------------ fixtures

    static APIGatewayV2HTTPEvent event(String name) {
        return EventLoader.loadApiGatewayHttpEvent("events/" + name);
    }

    APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return HttpApiCalls.call(handler, event);
    }

    static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    APIGatewayV2HTTPResponse headroom(String query) {
        APIGatewayV2HTTPEvent event = event("headroom.json");
        event.setRawQueryString(query);
        return call(event);
    }

    APIGatewayV2HTTPResponse putBudget(String name, String json) {
        APIGatewayV2HTTPEvent event = event("put-budget.json");
        event.setRawPath("/v1/budgets/" + name);
        event.setBody(json);
        return call(event);
    }

    APIGatewayV2HTTPResponse deleteBudget(String name) {
        APIGatewayV2HTTPEvent event = event("delete-budget.json");
        event.setRawPath("/v1/budgets/" + name);
        return call(event);
    }

    APIGatewayV2HTTPResponse hold(String json) {
        APIGatewayV2HTTPEvent event = event("create-hold.json");
        event.setBody(json);
        return call(event);
    }

    APIGatewayV2HTTPResponse settle(String holdId, String json) {
        APIGatewayV2HTTPEvent event = event("settle-hold.json");
        event.setRawPath("/v1/holds/" + holdId + "/settle");
        event.setBody(json);
        return call(event);
    }

    APIGatewayV2HTTPResponse release(String holdId) {
        APIGatewayV2HTTPEvent event = event("release-hold.json");
        event.setRawPath("/v1/holds/" + holdId);
        return call(event);
    }

    BigDecimal field(String budget, String field) throws Exception {
        return body(headroom("budget=" + budget)).get(field).decimalValue();
    }

    /** $70.00 settled on two November days and $5.12 of usage this morning, Default workspace, apikey_01Engine. */
    void seedSpend() {
        RunInfo cost = RunInfo.scheduled(ReportKind.COST, Instant.parse("2026-11-24T02:30:00Z"), NOW);
        for (String[] day : new String[][] {{"2026-11-10", "5000"}, {"2026-11-20", "2000"}}) {
            components.reports().replaceCostDay(new CostDay(LocalDate.parse(day[0]), List.of(new CostRow(
                    LocalDate.parse(day[0]), null, "Claude Opus 4.6 Usage - Output Tokens", "tokens",
                    "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD",
                    new BigDecimal(day[1])))), cost);
        }
        components.watermarks().advance(ReportKind.COST, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"));
        addUsage("2026-11-24T08:00:00Z", 100_000);   // 250 cents of Opus output
        addUsage("2026-11-24T09:00:00Z", 104_800);   // 262 cents
        components.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T10:00:00Z"));
    }

    void addUsage(String hour, long outputTokens) {
        UsageRow row = new UsageRow(Instant.parse(hour), null, "apikey_01Engine", "claude-opus-4-6", "standard",
                "0-200k", 0, 0, 0, 0, outputTokens, 0);
        components.reports().replaceUsageHour(Instant.parse(hour), List.of(new PricedUsageRow(row,
                components.pricer().price(row))), RunInfo.manual(ReportKind.USAGE, clock.instant()));
    }

    /** team-agents: the Default workspace, $100; org-monthly: everything, $1000. */
    void twoBudgets() {
        assertThat(putBudget("team-agents", "{\"limit_usd\": 100, \"period\": \"monthly\", "
                + "\"scope\": {\"workspace_id\": \"default\"}}").getStatusCode()).isEqualTo(201);
        assertThat(putBudget("org-monthly", "{\"limit_usd\": 1000, \"period\": \"monthly\"}").getStatusCode())
                .isEqualTo(201);
    }

    static String holdBody(String budget, String estimate, String runId) {
        return "{\"budget\": \"" + budget + "\", \"estimate_usd\": " + estimate + ", \"run_id\": \"" + runId + "\"}";
    }

    List<String> writes() {
        List<String> writes = new ArrayList<>();
        for (SdkRequest request : dynamoCalls) {
            String name = request.getClass().getSimpleName();
            if (!name.startsWith("Get") && !name.startsWith("Query") && !name.startsWith("BatchGet")
                    && !name.startsWith("TransactGet")) {
                writes.add(name);
            }
        }
        return writes;
    }

    // ------------------------------------------------------------------ the hierarchy

    @Test
    void aKeyWhoseWorkspaceBudgetIsExhaustedIsDeniedByItAndTheAnswerNamesIt() throws Exception {
        twoBudgets();
        putBudget("engine-key", "{\"limit_usd\": 500, \"period\": \"monthly\", "
                + "\"scope\": {\"api_key_id\": \"apikey_01Engine\"}}");
        putBudget("opus", "{\"limit_usd\": 300, \"period\": \"monthly\", \"scope\": {\"model\": \"claude-opus\"}}");
        putBudget("other-team", "{\"limit_usd\": 10, \"period\": \"monthly\", "
                + "\"scope\": {\"workspace_id\": \"wrkspc_01Other\"}}");
        putBudget("other-key", "{\"limit_usd\": 10, \"period\": \"monthly\", "
                + "\"scope\": {\"api_key_id\": \"apikey_01Other\"}}");

        JsonNode answer = body(call(event("headroom-scope.json")));   // apikey_01Engine, claude-opus-4-6, $2.50
        assertThat(answer.get("decision").asText()).isEqualTo("warn");
        assertThat(answer.get("blocking_budget").asText()).isEqualTo("team-agents");
        assertThat(answer.at("/scope/workspace_id").asText()).as("the key's workspace, from its stored usage")
                .isEqualTo("default");
        assertThat(answer.get("budgets")).extracting(b -> b.get("budget").asText())
                .containsExactly("team-agents", "opus", "org-monthly", "engine-key");

        JsonNode denied = body(headroom("api_key_id=apikey_01Engine&estimate_usd=24.88"));
        assertThat(denied.get("decision").asText()).isEqualTo("deny");
        assertThat(denied.get("blocking_budget").asText()).isEqualTo("team-agents");
        assertThat(denied.at("/budgets/0/decision").asText()).isEqualTo("deny");
        assertThat(denied.get("budgets")).extracting(b -> b.get("budget").asText()).as("no model: no model budget")
                .containsExactly("team-agents", "org-monthly", "engine-key");

        JsonNode roomy = body(headroom("workspace_id=wrkspc_01Other&estimate_usd=1"));
        assertThat(roomy.get("budgets")).extracting(b -> b.get("budget").asText())
                .containsExactly("other-team", "org-monthly");
        JsonNode allow = body(headroom("workspace_id=wrkspc_01Unbudgeted&estimate_usd=1"));
        assertThat(allow.get("decision").asText()).isEqualTo("allow");
        assertThat(allow.get("blocking_budget").isNull()).as("allow names no budget").isTrue();
    }

    @Test
    void aKeyWithoutUsageFindsItsWorkspaceInTheStoredKeyList() throws Exception {
        twoBudgets();
        components.apiKeys().putAll(List.of(new ApiKey("apikey_01Fresh", "fresh", "active", "default")));

        JsonNode fresh = body(headroom("api_key_id=apikey_01Fresh&estimate_usd=24.88"));
        assertThat(fresh.at("/scope/workspace_id").asText()).isEqualTo("default");
        assertThat(fresh.get("blocking_budget").asText()).as("a new key cannot slip past its workspace's budget")
                .isEqualTo("team-agents");

        JsonNode unknown = body(headroom("api_key_id=apikey_01Nobody&estimate_usd=24.88"));
        assertThat(unknown.path("scope").has("workspace_id")).isFalse();
        assertThat(unknown.get("budgets")).extracting(b -> b.get("budget").asText()).containsExactly("org-monthly");
    }

    @Test
    void aScopeThatContradictsTheKeysWorkspaceIsRefused() throws Exception {
        twoBudgets();
        APIGatewayV2HTTPResponse response = headroom("api_key_id=apikey_01Engine&workspace_id=wrkspc_01Other");
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).at("/error/message").asText()).startsWith("workspace_id: API key apikey_01Engine "
                + "belongs to workspace default");
        assertThat(headroom("budget=team-agents&workspace_id=default").getStatusCode()).isEqualTo(400);
    }

    // ------------------------------------------------------------------ holds

    @Test
    void aHoldCountsInEveryAnswerUntilTheBudgetIsFullThenTheNextIsRefusedNamingTheBudget() throws Exception {
        twoBudgets();
        APIGatewayV2HTTPResponse granted = call(event("create-hold.json"));   // team-agents, $2.50
        assertThat(granted.getStatusCode()).isEqualTo(201);
        JsonNode hold = body(granted);
        assertThat(hold.get("hold_id").asText()).isEqualTo(HoldService.holdId("nightly-eval-2026-11-24"));
        assertThat(hold.get("decision").asText()).isEqualTo("warn");
        assertThat(hold.get("estimate_usd").decimalValue()).isEqualByComparingTo("2.50");
        assertThat(hold.get("estimate_basis").asText()).isEqualTo("caller");
        assertThat(hold.get("expires_at").asText()).isEqualTo("2026-11-24T10:45:00Z");
        assertThat(hold.at("/budgets/0/remaining_usd").decimalValue()).isEqualByComparingTo("22.38");

        assertThat(field("team-agents", "held_usd")).isEqualByComparingTo("2.50");
        assertThat(field("team-agents", "remaining_usd")).isEqualByComparingTo("22.38");
        assertThat(field("org-monthly", "held_usd")).as("a budget hold counts against that budget only")
                .isEqualByComparingTo("0.00");

        assertThat(hold(holdBody("team-agents", "22.37", "run-2")).getStatusCode()).isEqualTo(201);
        APIGatewayV2HTTPResponse refused = hold(holdBody("team-agents", "0.01", "run-3"));
        assertThat(refused.getStatusCode()).isEqualTo(409);
        JsonNode deny = body(refused);
        assertThat(deny.get("decision").asText()).isEqualTo("deny");
        assertThat(deny.get("blocking_budget").asText()).isEqualTo("team-agents");
        assertThat(deny.at("/budgets/0/held_usd").decimalValue()).isEqualByComparingTo("24.87");
        assertThat(deny.has("hold_id")).isFalse();
        assertThat(components.holds().get(HoldService.holdId("run-3"))).as("nothing held").isEmpty();
    }

    @Test
    void aScopedHoldCountsAgainstEveryBudgetThatContainsTheRun() throws Exception {
        twoBudgets();
        APIGatewayV2HTTPResponse granted = hold("{\"api_key_id\": \"apikey_01Engine\", \"estimate_usd\": 4, "
                + "\"run_id\": \"scoped-1\"}");
        assertThat(granted.getStatusCode()).isEqualTo(201);
        assertThat(body(granted).at("/scope/workspace_id").asText()).isEqualTo("default");
        assertThat(field("team-agents", "held_usd")).isEqualByComparingTo("4.00");
        assertThat(field("org-monthly", "held_usd")).isEqualByComparingTo("4.00");

        JsonNode list = body(call(event("list-holds.json")));   // ?budget=team-agents
        assertThat(list.get("holds")).hasSize(1);
        assertThat(list.at("/holds/0/budgets").toString()).isEqualTo("[\"org-monthly\",\"team-agents\"]");
        APIGatewayV2HTTPEvent unknown = event("list-holds.json");
        unknown.setRawQueryString("budget=nope");
        assertThat(call(unknown).getStatusCode()).isEqualTo(404);
    }

    @Test
    void theSameRunIdReturnsTheSameHoldNeverASecondOne() throws Exception {
        twoBudgets();
        JsonNode first = body(call(event("create-hold.json")));
        APIGatewayV2HTTPResponse again = call(event("create-hold.json"));
        assertThat(again.getStatusCode()).isEqualTo(201);
        assertThat(body(again).get("hold_id").asText()).isEqualTo(first.get("hold_id").asText());
        assertThat(body(again).get("repeated").asBoolean()).isTrue();
        assertThat(field("team-agents", "held_usd")).isEqualByComparingTo("2.50");

        APIGatewayV2HTTPResponse elsewhere = hold(holdBody("org-monthly", "2.50", "nightly-eval-2026-11-24"));
        assertThat(elsewhere.getStatusCode()).isEqualTo(409);
        assertThat(body(elsewhere).at("/error/type").asText()).isEqualTo("conflict");
        assertThat(body(elsewhere).at("/error/message").asText()).contains("nightly-eval-2026-11-24");
    }

    @Test
    void anExpiredHoldStopsCountingAtItsExpiryWithNothingWritten() throws Exception {
        twoBudgets();
        assertThat(hold("{\"budget\": \"team-agents\", \"estimate_usd\": 20, \"ttl_seconds\": 60, "
                + "\"run_id\": \"short\"}").getStatusCode()).isEqualTo(201);
        assertThat(hold(holdBody("team-agents", "20", "waiting")).getStatusCode()).isEqualTo(409);

        clock.advance(Duration.ofSeconds(59));
        assertThat(field("team-agents", "held_usd")).isEqualByComparingTo("20.00");
        clock.advance(Duration.ofSeconds(1));
        dynamoCalls.clear();
        assertThat(field("team-agents", "held_usd")).isEqualByComparingTo("0.00");
        assertThat(writes()).as("expiry needs no sweeper").isEmpty();
        assertThat(body(call(event("list-holds.json"))).get("holds")).isEmpty();

        assertThat(hold(holdBody("team-agents", "20", "waiting")).getStatusCode()).isEqualTo(201);
        assertThat(components.holds().ledger("team-agents").holds()).as("the expired entry went with that write")
                .containsOnlyKeys(HoldService.holdId("waiting"));
    }

    @Test
    void aRunIdReusedAfterItsHoldItemWasTidiedAwayGetsAFreshHold() throws Exception {
        twoBudgets();
        assertThat(hold("{\"budget\": \"team-agents\", \"estimate_usd\": 20, \"ttl_seconds\": 60, "
                + "\"run_id\": \"reused\"}").getStatusCode()).isEqualTo(201);
        clock.advance(Duration.ofDays(8));
        // DynamoDB's TTL deletes the hold item; its expired ledger entry is still there
        components.dynamo().deleteItem(b -> b.tableName(components.config().tableName())
                .key(Map.of("pk", AttributeValue.fromS("HOLD#" + HoldService.holdId("reused")),
                        "sk", AttributeValue.fromS("HOLD"))));
        assertThat(components.holds().ledger("team-agents").holds()).containsKey(HoldService.holdId("reused"));

        APIGatewayV2HTTPResponse again = hold(holdBody("team-agents", "3", "reused"));
        assertThat(again.getStatusCode()).as(again.getBody()).isEqualTo(201);
        assertThat(body(again).get("repeated").asBoolean()).isFalse();
        assertThat(components.holds().ledger("team-agents").holds().get(HoldService.holdId("reused"))
                .estimateUsd()).isEqualByComparingTo("3");
    }

    @Test
    void aReleasedHoldStopsCountingAndReleasingIsIdempotent() throws Exception {
        twoBudgets();
        String id = body(call(event("create-hold.json"))).get("hold_id").asText();

        APIGatewayV2HTTPResponse released = call(event("release-hold.json"));
        assertThat(released.getStatusCode()).isEqualTo(204);
        assertThat(released.getBody()).isNullOrEmpty();
        assertThat(field("team-agents", "held_usd")).isEqualByComparingTo("0.00");
        assertThat(call(event("release-hold.json")).getStatusCode()).isEqualTo(204);

        APIGatewayV2HTTPResponse settle = settle(id, "{\"actual_usd\": 1}");
        assertThat(settle.getStatusCode()).isEqualTo(409);
        assertThat(release("hold_00000000000000000000000000000000").getStatusCode()).isEqualTo(404);
        assertThat(field("team-agents", "recent_usd")).isEqualByComparingTo("0.00");
    }

    @Test
    void aSettledRunCountsAsRecentSpendUntilItsUsageIsStoredThenOnlyTheUsageCounts() throws Exception {
        twoBudgets();
        String id = body(call(event("create-hold.json"))).get("hold_id").asText();
        clock.set(Instant.parse("2026-11-24T10:40:00Z"));

        APIGatewayV2HTTPResponse settled = call(event("settle-hold.json"));   // actual $1.84
        assertThat(settled.getStatusCode()).isEqualTo(200);
        JsonNode hold = body(settled);
        assertThat(hold.get("state").asText()).isEqualTo("settled");
        assertThat(hold.get("actual_usd").decimalValue()).isEqualByComparingTo("1.84");
        assertThat(hold.get("ended_at").asText()).isEqualTo("2026-11-24T10:40:00Z");
        assertThat(field("team-agents", "held_usd")).isEqualByComparingTo("0.00");
        assertThat(field("team-agents", "recent_usd")).isEqualByComparingTo("1.84");
        assertThat(field("org-monthly", "recent_usd")).as("only the hold's budgets").isEqualByComparingTo("0.00");
        assertThat(field("team-agents", "spent_usd")).isEqualByComparingTo("75.12");

        APIGatewayV2HTTPResponse twice = settle(id, "{\"actual_usd\": 99}");
        assertThat(twice.getStatusCode()).isEqualTo(200);
        assertThat(body(twice).get("actual_usd").decimalValue()).as("the first settlement stands")
                .isEqualByComparingTo("1.84");

        // the hourly run stores 10:00-11:00, which holds the run's end: the run is in the usage now, once
        clock.set(Instant.parse("2026-11-24T11:10:00Z"));
        addUsage("2026-11-24T10:00:00Z", 73_600);   // 184 cents
        assertThat(field("team-agents", "recent_usd")).as("usage stored, watermark not moved yet")
                .isEqualByComparingTo("1.84");
        components.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-11-24T10:00:00Z"),
                Instant.parse("2026-11-24T11:00:00Z"));
        assertThat(field("team-agents", "recent_usd")).isEqualByComparingTo("0.00");
        assertThat(field("team-agents", "spent_usd")).isEqualByComparingTo("76.96");
    }

    @Test
    void aRunSettledWithoutItsCostCountsItsEstimate() throws Exception {
        twoBudgets();
        String id = body(call(event("create-hold.json"))).get("hold_id").asText();
        JsonNode settled = body(settle(id, ""));
        assertThat(settled.get("actual_usd").decimalValue()).isEqualByComparingTo("2.50");
        assertThat(settled.get("actual_basis").asText()).isEqualTo("estimate");
        assertThat(field("team-agents", "recent_usd")).isEqualByComparingTo("2.50");
    }

    @Test
    void aRunClassIsSizedFromItsSettledRunsOnceThereAreFive() throws Exception {
        twoBudgets();
        String[] actuals = {"1.00", "3.00", "2.00", "9.00", "4.00", "5.00", "6.00", "7.00", "8.00", "10.00"};
        for (int i = 0; i < actuals.length; i++) {
            JsonNode hold = body(hold("{\"budget\": \"org-monthly\", \"run_class\": \"nightly-eval\", "
                    + "\"run_id\": \"class-" + i + "\"}"));
            assertThat(hold.get("estimate_basis").asText()).as("run %d", i)
                    .isEqualTo(i < 5 ? "run_class_default" : "run_class_p90");
            if (i < 5) {
                assertThat(hold.get("estimate_usd").decimalValue()).isEqualByComparingTo("1.00");
            }
            if (i == 5) {
                assertThat(hold.get("estimate_usd").decimalValue()).as("p90 of 1, 3, 2, 9, 4")
                        .isEqualByComparingTo("9.00");
            }
            clock.advance(Duration.ofSeconds(1));
            assertThat(settle(hold.get("hold_id").asText(), "{\"actual_usd\": " + actuals[i] + "}").getStatusCode())
                    .isEqualTo(200);
        }
        JsonNode sized = body(hold("{\"budget\": \"org-monthly\", \"run_class\": \"nightly-eval\", "
                + "\"run_id\": \"class-sized\"}"));
        assertThat(sized.get("estimate_usd").decimalValue()).as("p90 of 1..10").isEqualByComparingTo("9.00");
        JsonNode caller = body(hold("{\"budget\": \"org-monthly\", \"run_class\": \"nightly-eval\", "
                + "\"estimate_usd\": 0.5, \"run_id\": \"class-caller\"}"));
        assertThat(caller.get("estimate_basis").asText()).isEqualTo("caller");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "{\"budget\": \"team-agents\", \"estimate_usd\": -5, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 0, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": \"NaN\", \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": NaN, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": \"Infinity\", \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1e400, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1e-999999999, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1e999999999999, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 99999999999, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 0.0000001, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": true, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"ttl_seconds\": 0, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"ttl_seconds\": 86401, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"ttl_seconds\": 1.5, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"ttl_seconds\": \"900\", \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"run_id\": \"r\", \"dry_run\": true}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"run_id\": \"has spaces\"}",
            "{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"run_id\": \"r\", \"run_class\": \"a/b\"}",
            "{\"budget\": \"Team Agents\", \"estimate_usd\": 1, \"run_id\": \"r\"}",
            "{\"budget\": \"team-agents\", \"workspace_id\": \"default\", \"estimate_usd\": 1, \"run_id\": \"r\"}",
            "{\"estimate_usd\": 1, \"run_id\": \"r\"}",
            "{\"api_key_id\": \"sk-ant-api03-x\", \"estimate_usd\": 1, \"run_id\": \"r\"}",
            "[1, 2]",
            "null",
            "",
            "{\"budget\": "})
    void hostileHoldBodiesAre400WithoutTouchingTheStore(String json) throws Exception {
        twoBudgets();
        dynamoCalls.clear();
        APIGatewayV2HTTPResponse response = hold(json);
        assertThat(response.getStatusCode()).isEqualTo(400);
        JsonNode error = body(response);
        assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request");
        assertThat(error.at("/error/message").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(dynamoCalls).as("validated before the store").isEmpty();
    }

    @Test
    void hostileBodiesNameTheFieldAndAnOversizedBodyIsRefused() throws Exception {
        twoBudgets();
        dynamoCalls.clear();
        assertThat(body(hold("{\"budget\": \"team-agents\", \"estimate_usd\": -5, \"run_id\": \"r\"}"))
                .at("/error/message").asText()).startsWith("estimate_usd:");
        assertThat(body(hold("{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"run_id\": \"r\", "
                + "\"dry_run\": true}")).at("/error/message").asText()).startsWith("dry_run: is not a hold field");
        assertThat(body(hold("{\"budget\": \"team-agents\", \"run_id\": \"r\"}")).at("/error/message").asText())
                .isEqualTo("estimate_usd: is required unless run_class is given");
        assertThat(body(hold("{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"ttl_seconds\": 86401, "
                + "\"run_id\": \"r\"}")).at("/error/message").asText()).startsWith("ttl_seconds:");
        String padding = "x".repeat(70 * 1024);
        APIGatewayV2HTTPResponse huge = hold("{\"budget\": \"team-agents\", \"estimate_usd\": 1, \"run_id\": \"r\", "
                + "\"run_class\": \"" + padding + "\"}");
        assertThat(huge.getStatusCode()).isEqualTo(400);
        assertThat(body(huge).at("/error/message").asText()).contains("larger than");
        assertThat(dynamoCalls).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"actual_usd\": -1}", "{\"actual_usd\": \"NaN\"}", "{\"actual_usd\": 1e400}",
            "{\"actual_usd\": 1, \"cost\": 2}", "{\"ended_at\": \"yesterday\"}", "[]", "{\"actual_usd\": "})
    void hostileSettleBodiesAre400WithNoStoreWrite(String json) throws Exception {
        twoBudgets();
        String id = body(call(event("create-hold.json"))).get("hold_id").asText();
        dynamoCalls.clear();
        APIGatewayV2HTTPResponse response = settle(id, json);
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(dynamoCalls).isEmpty();
        assertThat(settle("not-a-hold", "{}").getStatusCode()).isEqualTo(400);
        assertThat(writes()).isEmpty();
        assertThat(field("team-agents", "held_usd")).isEqualByComparingTo("2.50");
    }

    @Test
    void aSettlementCannotEndBeforeItsHoldOrInTheFuture() throws Exception {
        twoBudgets();
        String id = body(call(event("create-hold.json"))).get("hold_id").asText();
        assertThat(body(settle(id, "{\"ended_at\": \"2026-11-24T10:29:59Z\"}")).at("/error/message").asText())
                .startsWith("ended_at: is before the hold");
        assertThat(settle(id, "{\"ended_at\": \"2026-11-24T10:31:00Z\"}").getStatusCode()).isEqualTo(400);
        assertThat(field("team-agents", "held_usd")).isEqualByComparingTo("2.50");
    }

    // ------------------------------------------------------------------ recorded budget changes

    @Test
    void everyBudgetChangeIsRecordedAndLooseningOnesAreAnnouncedOnceNamingWhoDidIt() throws Exception {
        assertThat(call(event("put-budget.json")).getStatusCode()).isEqualTo(201);          // $100, created
        clock.advance(Duration.ofMinutes(1));
        putBudget("team-agents", "{\"limit_usd\": 80, \"period\": \"monthly\"}");              // lowered: no notice
        clock.advance(Duration.ofMinutes(1));
        putBudget("team-agents", "{\"limit_usd\": 250, \"period\": \"monthly\"}");             // raised: notice
        clock.advance(Duration.ofMinutes(1));
        assertThat(call(event("delete-budget.json")).getStatusCode()).isEqualTo(200);       // deleted: notice

        JsonNode history = body(call(event("budget-history.json")));
        JsonNode changes = history.get("changes");
        assertThat(changes).extracting(c -> c.get("action").asText())
                .containsExactly("deleted", "replaced", "replaced", "created");
        assertThat(changes).allSatisfy(c -> assertThat(c.get("who").asText()).isEqualTo(ENGINE));
        assertThat(changes.get(0).get("after").isNull()).isTrue();
        assertThat(changes.get(0).at("/before/limit_usd").decimalValue()).isEqualByComparingTo("250");
        assertThat(changes.get(1).at("/before/limit_usd").decimalValue()).isEqualByComparingTo("80");
        assertThat(changes.get(1).at("/after/limit_usd").decimalValue()).isEqualByComparingTo("250");
        assertThat(changes.get(3).get("before").isNull()).isTrue();
        assertThat(changes.get(3).get("at").asText()).isEqualTo("2026-11-24T10:30:00Z");

        List<JsonNode> notices = inbox.drain();
        assertThat(notices).extracting(n -> n.get("Subject").asText()).containsExactlyInAnyOrder(
                "[Cost Observatory] budget team-agents limit raised from $80.00 to $250.00",
                "[Cost Observatory] budget team-agents deleted");
        assertThat(notices).allSatisfy(n -> {
            assertThat(n.get("Message").asText()).contains("Who:    " + ENGINE);
            assertThat(AlertInbox.attributes(n)).containsEntry("kind", "budget_change")
                    .containsEntry("budget", "team-agents");
        });
    }

    @Test
    void inLocalModeTheCallerIsLocal() throws Exception {
        BudgetCheckHandler local = new BudgetCheckHandler(components.router(false));
        APIGatewayV2HTTPEvent put = event("put-budget.json");
        put.getRequestContext().setAuthorizer(null);
        assertThat(HttpApiCalls.call(local, put).getStatusCode()).isEqualTo(201);
        JsonNode history = body(HttpApiCalls.call(local, event("budget-history.json")));
        assertThat(history.at("/changes/0/who").asText()).isEqualTo("local");
        APIGatewayV2HTTPEvent unknown = event("budget-history.json");
        unknown.setRawPath("/v1/budgets/never-was/history");
        assertThat(call(unknown).getStatusCode()).isEqualTo(404);
    }
}
