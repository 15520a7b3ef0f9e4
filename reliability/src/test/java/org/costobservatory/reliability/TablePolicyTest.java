package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.api.ApiRouter;
import org.costobservatory.budget.HoldService;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Least privilege on the table (security F4), held against what the code does. Each function of {@code template.yaml}
 * does its real work on DynamoDB Local — the ingest jobs with budgets crossing their thresholds (so alerts are
 * claimed and marked), and every route the function serves — while an SDK interceptor records each call as the IAM
 * request it is: the action, and the partition keys {@code dynamodb:LeadingKeys} sees (a transaction is authorised as
 * its items' PutItem/UpdateItem/DeleteItem). Every call must be allowed by the function's own statements, and every
 * (action, key pattern) the statements grant must be used by some call: the policy is what the code needs, no more.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TablePolicyTest {
    private static final String CALLER = "arn:aws:iam::123456789012:user/engine";
    /**
     * One request per route of the deployed API, in the order they run (create before read, delete last); each must
     * succeed, so a route that fails early cannot hide the calls it would make.
     */
    private static final Map<String, ApiRequest> ROUTES = new LinkedHashMap<>();

    static {
        route("PUT /v1/budgets/{name}", "PUT", "/v1/budgets/team", "", "{\"limit_usd\": 1, \"period\": \"monthly\"}");
        route("GET /v1/budgets/{name}", "GET", "/v1/budgets/team", "", "");
        route("GET /v1/budgets", "GET", "/v1/budgets", "", "");
        route("GET /v1/headroom", "GET", "/v1/headroom", "budget=team&estimate_usd=0.50", "");
        String hold = HoldService.holdId("policy-run");
        route("POST /v1/holds", "POST", "/v1/holds", "", "{\"budget\": \"org\", \"estimate_usd\": 1, "
                + "\"run_id\": \"policy-run\", \"run_class\": \"nightly\"}");
        route("GET /v1/holds", "GET", "/v1/holds", "", "");
        route("POST /v1/holds/{hold_id}/settle", "POST", "/v1/holds/" + hold + "/settle", "",
                "{\"actual_usd\": 0.75}");
        route("DELETE /v1/holds/{hold_id}", "DELETE", "/v1/holds/" + hold, "", "");
        route("GET /v1/budgets/{name}/history", "GET", "/v1/budgets/team/history", "", "");
        route("GET /v1/alerts", "GET", "/v1/alerts", "", "");
        route("GET /v1/health", "GET", "/v1/health", "", "");
        route("GET /v1/reports/costs", "GET", "/v1/reports/costs", "from=2026-08-10&to=2026-08-13&group_by=day", "");
        route("GET /v1/reports/usage", "GET", "/v1/reports/usage", "from=2026-08-13&to=2026-08-14&group_by=model", "");
        route("GET /v1/insights", "GET", "/v1/insights", "from=2026-08-13&to=2026-08-14", "");
        route("GET /v1/anomalies", "GET", "/v1/anomalies", "from=2026-08-01&to=2026-08-14", "");
        route("GET /", "GET", "/", "", "");
        route("POST /v1/estimates", "POST", "/v1/estimates", "",
                "{\"time\": \"2026-08-12T10:00:00Z\", \"cost_usd\": 1.5, \"run_id\": \"run-1\"}");
        route("GET /v1/reconciliation", "GET", "/v1/reconciliation", "from=2026-08-10&to=2026-08-13&group_by=model",
                "");
        route("DELETE /v1/budgets/{name}", "DELETE", "/v1/budgets/team", "", "");
    }

    private static FakeAdminApi api;

    private static void route(String key, String method, String path, String query, String body) {
        ROUTES.put(key, new ApiRequest(method, path, query, Map.of("content-type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8), Optional.of(CALLER)));
    }

    @BeforeAll
    static void start() {
        api = FakeAdminApi.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** One DynamoDB call as IAM authorises it. */
    record Call(String action, List<String> partitionKeys) {
        @Override
        public String toString() {
            return action + " " + partitionKeys;
        }
    }

    /** Records every call a client makes; {@link #clear()} after seeding, so only the function's work counts. */
    static final class Recorder implements ExecutionInterceptor {
        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            calls.addAll(calls(context.request()));
        }

        void clear() {
            calls.clear();
        }
    }

    static List<Call> calls(SdkRequest request) {
        if (request instanceof GetItemRequest get) {
            return List.of(new Call("dynamodb:GetItem", List.of(get.key().get("pk").s())));
        }
        if (request instanceof QueryRequest query) {
            Matcher pk = Pattern.compile("\\bpk\\s*=\\s*(:\\w+)").matcher(query.keyConditionExpression());
            assertThat(pk.find()).as("query on the partition key: %s", query.keyConditionExpression()).isTrue();
            return List.of(new Call("dynamodb:Query", List.of(query.expressionAttributeValues().get(pk.group(1)).s())));
        }
        if (request instanceof PutItemRequest put) {
            return List.of(new Call("dynamodb:PutItem", List.of(put.item().get("pk").s())));
        }
        if (request instanceof UpdateItemRequest update) {
            return List.of(new Call("dynamodb:UpdateItem", List.of(update.key().get("pk").s())));
        }
        if (request instanceof DeleteItemRequest delete) {
            return List.of(new Call("dynamodb:DeleteItem", List.of(delete.key().get("pk").s())));
        }
        if (request instanceof BatchWriteItemRequest batch) {
            List<String> keys = new ArrayList<>();
            for (List<WriteRequest> writes : batch.requestItems().values()) {
                for (WriteRequest write : writes) {
                    Map<String, AttributeValue> key = write.putRequest() != null ? write.putRequest().item()
                            : write.deleteRequest().key();
                    keys.add(key.get("pk").s());
                }
            }
            return List.of(new Call("dynamodb:BatchWriteItem", keys.stream().distinct().toList()));
        }
        if (request instanceof TransactWriteItemsRequest transaction) {
            List<Call> items = new ArrayList<>();
            for (TransactWriteItem item : transaction.transactItems()) {
                if (item.put() != null) {
                    items.add(new Call("dynamodb:PutItem", List.of(item.put().item().get("pk").s())));
                } else if (item.update() != null) {
                    items.add(new Call("dynamodb:UpdateItem", List.of(item.update().key().get("pk").s())));
                } else if (item.delete() != null) {
                    items.add(new Call("dynamodb:DeleteItem", List.of(item.delete().key().get("pk").s())));
                } else {
                    items.add(new Call("dynamodb:ConditionCheckItem",
                            List.of(item.conditionCheck().key().get("pk").s())));
                }
            }
            return items;
        }
        if (request instanceof TransactGetItemsRequest transaction) {
            // IAM authorises a transactional read as the GetItem of each of its items.
            return transaction.transactItems().stream()
                    .map(item -> new Call("dynamodb:GetItem", List.of(item.get().key().get("pk").s()))).toList();
        }
        // Anything else (Scan, BatchGetItem, DescribeTable...) has no grant; record it so the test names it.
        String operation = request.getClass().getSimpleName().replaceFirst("Request$", "");
        return List.of(new Call("dynamodb:" + operation, List.of()));
    }

    /**
     * One Allow statement on the table: its actions and, for writes, the key patterns it is held to (IAM StringLike
     * patterns, or exact values under StringEquals).
     */
    record Grant(String sid, Set<String> actions, List<String> keyPatterns, boolean like) {
        boolean allows(Call call) {
            return actions.contains(call.action()) && (keyPatterns.isEmpty()
                    || call.partitionKeys().stream().allMatch(key -> keyPatterns.stream()
                    .anyMatch(pattern -> matches(pattern, key))));
        }

        boolean matches(String pattern, String key) {
            return like ? TablePolicyTest.like(pattern, key) : pattern.equals(key);
        }
    }

    /** IAM StringLike: {@code *} any run of characters, {@code ?} one. */
    static boolean like(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return value.matches(regex.toString());
    }

    /** The table statements of one function, read the way IAM would; anything this reader does not know fails. */
    static List<Grant> grants(String function, JsonNode properties) {
        List<Grant> grants = new ArrayList<>();
        for (JsonNode policy : properties.path("Policies")) {
            for (Iterator<String> names = policy.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                assertThat(name.startsWith("DynamoDB")).as("%s uses %s, which this test cannot read; grant "
                        + "statements", function, name).isFalse();
            }
            for (JsonNode statement : policy.path("Statement")) {
                Set<String> actions = new LinkedHashSet<>();
                TemplateReview.list(statement.path("Action")).stream().map(JsonNode::asText)
                        .filter(action -> action.startsWith("dynamodb:")).forEach(actions::add);
                if (actions.isEmpty()) {
                    continue;
                }
                assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
                assertThat(TemplateReview.list(statement.path("Resource"))).extracting(JsonNode::asText)
                        .as("%s.%s: the table, by reference", function, statement.path("Sid").asText())
                        .containsExactly("CostTable.Arn");
                assertThat(statement.path("Condition").size()).as("%s: one condition operator (IAM ANDs several)",
                        statement.path("Sid").asText()).isLessThanOrEqualTo(1);
                List<String> patterns = new ArrayList<>();
                boolean like = true;
                for (Iterator<Map.Entry<String, JsonNode>> it = statement.path("Condition").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> operator = it.next();
                    assertThat(operator.getKey()).as("condition operators this test evaluates")
                            .isIn("ForAllValues:StringLike", "ForAllValues:StringEquals");
                    assertThat(operator.getValue().properties()).extracting(Map.Entry::getKey)
                            .containsExactly("dynamodb:LeadingKeys");
                    like = operator.getKey().endsWith("StringLike");
                    TemplateReview.list(operator.getValue().path("dynamodb:LeadingKeys"))
                            .forEach(key -> patterns.add(key.asText()));
                }
                grants.add(new Grant(statement.path("Sid").asText(), actions, patterns, like));
            }
        }
        return grants;
    }

    @Test
    void eachFunctionIsGrantedExactlyTheTableCallsItsCodeMakes() throws Exception {
        JsonNode resources = TemplateSecurityTest.template().path("Resources");
        Map<String, List<Call>> work = new LinkedHashMap<>();
        Map<String, List<Grant>> grants = new LinkedHashMap<>();
        String apiTable = seededApiTable();
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> resource = it.next();
            if (!resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                continue;
            }
            String function = resource.getKey();
            JsonNode properties = resource.getValue().path("Properties");
            String handler = properties.path("Handler").asText().split("::")[0];
            List<Call> calls = switch (handler) {
                case "org.costobservatory.functions.costreport.CostReportHandler" -> costRun();
                case "org.costobservatory.functions.usagereport.UsageReportHandler" -> usageRun();
                case "org.costobservatory.functions.budgetcheck.BudgetCheckHandler" ->
                        routes(function, properties, apiTable);
                default -> throw new AssertionError(function + ": no workload for handler " + handler
                        + "; add one so its grants are checked");
            };
            assertThat(calls).as("%s did some table work", function).isNotEmpty();
            work.put(function, calls);
            grants.put(function, grants(function, properties));
        }

        List<String> denied = new ArrayList<>();
        List<String> unused = new ArrayList<>();
        work.forEach((function, calls) -> {
            List<Grant> granted = grants.get(function);
            calls.stream().distinct().filter(call -> granted.stream().noneMatch(grant -> grant.allows(call)))
                    .forEach(call -> denied.add(function + ": " + call));
            for (Grant grant : granted) {
                for (String action : grant.actions()) {
                    List<String> patterns = grant.keyPatterns().isEmpty() ? List.of("*") : grant.keyPatterns();
                    for (String pattern : patterns) {
                        boolean used = calls.stream().anyMatch(call -> call.action().equals(action)
                                && grant.allows(call) && call.partitionKeys().stream()
                                .anyMatch(key -> grant.keyPatterns().isEmpty() || grant.matches(pattern, key)));
                        if (!used) {
                            unused.add(function + "." + grant.sid() + ": " + action + " on " + pattern);
                        }
                    }
                }
            }
        });
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(denied).as("calls the functions make that their roles would refuse").isEmpty();
            softly.assertThat(unused).as("grants no call of the function uses").isEmpty();
        });
    }

    private static Budget monthly(String name, String limit) {
        return new Budget(name, new BigDecimal(limit), BudgetPeriod.MONTHLY, ZoneOffset.UTC, BudgetScope.ORGANISATION,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /**
     * The budget alerted in July, so the first run of August also sends its reset notice (a NOTICE item claimed and
     * marked sent).
     */
    private static void alertedLastMonth(Fixture system, Budget budget) {
        PeriodWindow july = budget.currentPeriod(Instant.parse("2026-07-20T00:00:00Z"));
        Instant at = Instant.parse("2026-07-20T00:00:00Z");
        List<AlertRecord> claims = List.of(new AlertRecord(budget.name(), july.key(), july.startText(),
                july.endText(), "UTC", BigDecimal.valueOf(50), AlertRecord.CLAIMED, "owner", at.plusSeconds(300), at,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()));
        system.components.alerts().claim(claims, at);
        system.components.alerts().markSent(claims, "owner", "message-0", "subject", at);
    }

    /**
     * The daily run on a table whose usage of the days it settles is stored (so it keeps their provisional figures,
     * learns prices from them and re-prices the hours since), with a budget that alerted last month (so it sends a
     * reset notice) and that it pushes past every threshold, and a bill far from the usage's list price (so it sends a
     * drift notice).
     */
    private static List<Call> costRun() {
        api.reset();
        Recorder recorder = new Recorder();
        Fixture system = new Fixture(api, recorder);
        system.setUsageWatermark("2026-08-12T00:00:00Z");
        system.serveUsage(Fixture.billedUsageHours("2026-08-12T00:00:00Z", "2026-08-14T02:00:00Z"), 24);
        system.usage.run(Fixture.HOURLY, api.deadline());
        system.components.budgets().put(monthly("org", "1"));
        alertedLastMonth(system, monthly("org", "1"));
        system.setCostWatermark("2026-08-01T00:00:00Z");
        List<org.costobservatory.domain.CostDay> days = new ArrayList<>(Fixture.costDays("2026-08-01", "2026-08-12",
                "50"));
        days.addAll(Fixture.costDays("2026-08-13", "2026-08-13", "5000"));
        system.serveCost(days, 7);
        recorder.clear();
        assertThat(system.cost.run(Fixture.DAILY, api.deadline()).alertsSent()).isGreaterThan(1);
        assertThat(system.published).extracting(message -> message.kind()).contains("drift", "reset");
        assertThat(system.components.calibrations().current().prices()).isNotEmpty();
        assertThat(system.components.anomalies().days(java.time.LocalDate.parse("2026-08-13"),
                java.time.LocalDate.parse("2026-08-13")).get(0).anomalies()).isNotEmpty();
        return List.copyOf(recorder.calls);
    }

    /**
     * The hourly run on a fresh table with a budget it pushes past every threshold, and a weekly one whose run-rate
     * forecast it pushes past the limit while spend stays below it (a forecast notice).
     */
    private static List<Call> usageRun() {
        api.reset();
        Recorder recorder = new Recorder();
        Fixture system = new Fixture(api, recorder);
        system.components.budgets().put(monthly("org", "0.01"));
        alertedLastMonth(system, monthly("org", "0.01"));
        List<org.costobservatory.domain.UsageBucket> hours = Fixture.usageHours("2026-08-13T22:00:00Z",
                "2026-08-14T02:00:00Z", 2);
        BigDecimal cents = BigDecimal.ZERO;
        for (org.costobservatory.domain.UsageBucket hour : hours) {
            for (org.costobservatory.domain.UsageRow row : hour.rows()) {
                cents = cents.add(system.components.pricer().price(row).cents());
            }
        }
        // Spend covers 98 of the week's 168 hours, so the run rate forecasts 1.7 times it: 1.2 times is in between.
        BigDecimal limit = cents.multiply(new BigDecimal("1.2")).movePointLeft(2).setScale(2,
                java.math.RoundingMode.CEILING);
        system.components.budgets().put(new Budget("week", limit, BudgetPeriod.WEEKLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, List.of(new BigDecimal("1000")), Budget.DEFAULT_WARN_PERCENT,
                Optional.empty(), Optional.empty(), Optional.empty()));
        system.setUsageWatermark("2026-08-13T22:00:00Z");
        system.serveUsage(hours, 2);
        recorder.clear();
        assertThat(system.usage.run(Fixture.HOURLY, api.deadline()).alertsSent())
                .as("a reset notice, an alert and a forecast").isEqualTo(3);
        assertThat(system.published).extracting(org.costobservatory.alert.AlertMessage::kind)
                .containsExactlyInAnyOrder("reset", "threshold", "forecast");
        return List.copyOf(recorder.calls);
    }

    /** A table with stored cost days, usage hours and a budget, as the API finds it after a few runs. */
    private static String seededApiTable() {
        api.reset();
        Fixture system = new Fixture(api);
        system.components.budgets().put(monthly("org", "100000"));
        system.setCostWatermark("2026-08-10T00:00:00Z");
        system.setUsageWatermark("2026-08-13T22:00:00Z");
        system.serveCost(Fixture.costDays("2026-08-10", "2026-08-13", "50"), 2);
        system.serveUsage(Fixture.usageHours("2026-08-13T22:00:00Z", "2026-08-14T02:00:00Z", 2), 2);
        system.cost.run(Fixture.DAILY, api.deadline());
        system.usage.run(Fixture.HOURLY, api.deadline());
        return system.table;
    }

    /** Every route the function serves, through the deployed router, as an IAM-authorised caller. */
    private static List<Call> routes(String function, JsonNode properties, String table) {
        Set<String> served = new LinkedHashSet<>();
        for (JsonNode event : properties.path("Events")) {
            if (event.path("Type").asText().equals("HttpApi")) {
                served.add(event.at("/Properties/Method").asText() + " " + event.at("/Properties/Path").asText());
            }
        }
        assertThat(ROUTES.keySet()).as("a request for every route %s serves", function).containsAll(served);
        Recorder recorder = new Recorder();
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(DynamoDbLocal.shared().client(recorder)).clock(api.clock())
                .alertPublisher(message -> "message-1").build();
        ApiRouter router = components.router(true);
        for (Map.Entry<String, ApiRequest> route : ROUTES.entrySet()) {
            if (served.contains(route.getKey())) {
                ApiResponse response = router.handle(route.getValue());
                assertThat(response.status()).as("%s %s: %s", function, route.getKey(),
                        new String(response.body(), StandardCharsets.UTF_8)).isBetween(200, 299);
            }
        }
        return List.copyOf(recorder.calls);
    }
}
