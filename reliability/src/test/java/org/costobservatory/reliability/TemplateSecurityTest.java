package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.costobservatory.reliability.TemplateReview.Finding;
import org.costobservatory.reliability.TemplateReview.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The security review of template.yaml, kept by a test; and cfn-lint stays clean. */
class TemplateSecurityTest {
    static final Path TEMPLATE = Path.of(System.getProperty("project.root", ".."), "template.yaml");

    static JsonNode template() throws Exception {
        return new YAMLMapper().readTree(Files.readAllBytes(TEMPLATE));
    }

    @Test
    void theTemplatePassesTheReview() throws Exception {
        assertThat(TemplateReview.review(template())).isEmpty();
    }

    @Test
    void cfnLintIsClean() throws Exception {
        Process lint;
        try {
            lint = new ProcessBuilder("cfn-lint", TEMPLATE.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("cfn-lint is required; scripts/verify installs it (or pip install cfn-lint)", e);
        }
        assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.exitValue()).as(output).isZero();
    }

    @Test
    void everyHandlerInTheTemplateIsALambdaHandlerClass() throws Exception {
        JsonNode resources = template().path("Resources");
        int handlers = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            JsonNode properties = it.next().getValue().path("Properties");
            if (properties.has("Handler")) {
                String className = properties.path("Handler").asText().split("::")[0];
                Class<?> type = Class.forName(className);
                assertThat(RequestHandler.class.isAssignableFrom(type)
                        || RequestStreamHandler.class.isAssignableFrom(type)).as(className).isTrue();
                assertThat(type.getConstructor()).as("%s has a public no-argument constructor", className).isNotNull();
                handlers++;
            }
        }
        assertThat(handlers).isEqualTo(4);
    }

    /**
     * Engines get headroom, holds and health and nothing else (so an engine cannot raise the budget that holds it
     * back); budget administrators get every other route; between them, every route of the API.
     */
    @Test
    void theCallerPoliciesNameExactlyTheirRoutesAndTogetherEveryRoute() throws Exception {
        JsonNode template = template();
        java.util.List<Finding> found = new java.util.ArrayList<>();
        Map<String, java.util.Set<String>> policies = TemplateReview.callerRoutes(template, found);
        assertThat(found).isEmpty();
        assertThat(policies.get("EngineAccessPolicy")).containsExactlyInAnyOrder("GET /v1/headroom", "POST /v1/holds",
                "GET /v1/holds", "DELETE /v1/holds/*", "POST /v1/holds/*/settle", "GET /v1/health");
        assertThat(policies.get("BudgetAdminAccessPolicy")).containsExactlyInAnyOrder("GET /v1/budgets",
                "GET /v1/budgets/*", "PUT /v1/budgets/*", "DELETE /v1/budgets/*", "GET /v1/budgets/*/history",
                "GET /v1/alerts", "GET /v1/reports/costs", "GET /v1/reports/usage", "GET /v1/reconciliation",
                "POST /v1/estimates", "GET /v1/insights", "GET /v1/anomalies", "GET /");
        java.util.Set<String> both = new java.util.TreeSet<>(policies.get("EngineAccessPolicy"));
        both.addAll(policies.get("BudgetAdminAccessPolicy"));
        assertThat(both).isEqualTo(TemplateReview.routes(template));
        assertThat(template.path("Outputs").path("EngineAccessPolicyArn").path("Value").asText())
                .isEqualTo("EngineAccessPolicy");
        assertThat(template.path("Outputs").path("BudgetAdminAccessPolicyArn").path("Value").asText())
                .isEqualTo("BudgetAdminAccessPolicy");
    }

    /**
     * Each rule must be able to fail, and fail for its own reason: a deliberately weakened copy of the template breaks
     * exactly the rule that names the weakness, and no other.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("regressions")
    void aRegressionBreaksItsOwnRule(String regression, Rule rule, Consumer<ObjectNode> weaken) throws Exception {
        ObjectNode template = (ObjectNode) template();
        weaken.accept((ObjectNode) template.path("Resources"));
        assertThat(TemplateReview.review(template)).as(regression)
                .extracting(Finding::rule).isNotEmpty().containsOnly(rule);
    }

    @Test
    void everyRuleHasARegressionThatBreaksIt() {
        assertThat(regressions().map(arguments -> (Rule) arguments.get()[1]).distinct())
                .containsExactlyInAnyOrder(Rule.values());
    }

    static Stream<Arguments> regressions() {
        return Stream.of(
                regression("no IAM authorizer", Rule.IAM_AUTHORIZER, r -> object(r, "BudgetApi", "Properties", "Auth")
                        .put("DefaultAuthorizer", "NONE")),
                regression("route without auth", Rule.ROUTE_AUTHORIZATION, r -> object(r, "BudgetCheckFunction",
                        "Properties", "Events", "Headroom", "Properties").putObject("Auth").put("Authorizer", "NONE")),
                regression("function URL", Rule.ROUTE_AUTHORIZATION, r -> object(r, "BudgetCheckFunction",
                        "Properties").putObject("FunctionUrlConfig").put("AuthType", "NONE")),
                regression("wildcard action", Rule.WILDCARDS, r -> statement(r, "BudgetCheckFunction")
                        .put("Action", "sns:*").put("Resource", "AlertTopic")),
                regression("wildcard resource", Rule.WILDCARDS, r -> statement(r, "BudgetCheckFunction")
                        .put("Action", "sns:Publish").put("Resource", "*")),
                regression("managed policy", Rule.REVIEWED_POLICIES, r -> ((ArrayNode) r.path("BudgetCheckFunction")
                        .path("Properties").path("Policies")).add("AmazonSNSFullAccess")),
                regression("key in environment", Rule.ADMIN_KEY, r -> object(r, "CostReportFunction", "Properties",
                        "Environment", "Variables").put("ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-x")),
                regression("parameter resource", Rule.ADMIN_KEY, r -> r.putObject("AdminKey")
                        .put("Type", "AWS::SSM::Parameter")),
                regression("public topic policy", Rule.RESOURCE_POLICIES, r -> ((ObjectNode) r.path("AlertTopicPolicy")
                        .path("Properties").path("PolicyDocument").path("Statement").get(0))
                        .putObject("Principal").put("AWS", "*")),
                regression("unencrypted table", Rule.ENCRYPTION, r -> object(r, "CostTable", "Properties")
                        .remove("SSESpecification")),
                regression("unencrypted topic", Rule.ENCRYPTION, r -> object(r, "AlertTopic", "Properties")
                        .remove("KmsMasterKeyId")),
                regression("log group without retention", Rule.LOGS, r -> object(r, "CostReportLogGroup",
                        "Properties").remove("RetentionInDays")),
                // F4: least privilege on the table
                regression("DynamoDB policy template", Rule.TABLE_ACTIONS, r -> ((ArrayNode) r.path(
                        "BudgetCheckFunction").path("Properties").path("Policies")).addObject()
                        .putObject("DynamoDBCrudPolicy").put("TableName", "CostTable")),
                regression("scan", Rule.TABLE_ACTIONS, r -> ((ArrayNode) sid(r, "ReportsFunction", "ReadTheTable")
                        .path("Action")).add("dynamodb:Scan")),
                regression("write without a key condition", Rule.TABLE_WRITE_KEYS, r ->
                        sid(r, "BudgetCheckFunction", "Budgets").remove("Condition")),
                regression("key pattern across item types", Rule.TABLE_WRITE_KEYS, r -> ((ObjectNode) sid(r,
                        "CostReportFunction", "CostDays").at("/Condition/ForAllValues:StringLike"))
                        .putArray("dynamodb:LeadingKeys").add("*")),
                regression("any-value key condition", Rule.TABLE_WRITE_KEYS, r -> {
                    ObjectNode condition = (ObjectNode) sid(r, "UsageReportFunction", "UsageHours").path("Condition");
                    condition.set("ForAnyValue:StringLike", condition.remove("ForAllValues:StringLike"));
                }),
                regression("ingest writes budgets", Rule.TABLE_WRITE_OWNERS, r -> leadingKeys(r, "UsageReportFunction",
                        "Alerts").add("BUDGET")),
                regression("API writes rollups", Rule.TABLE_WRITE_OWNERS, r -> leadingKeys(r, "BudgetCheckFunction",
                        "Alerts").add("SPEND#*")),
                // who may call what
                regression("engine may change budgets", Rule.CALLER_POLICIES, r -> callerResources(r,
                        "EngineAccessPolicy").add("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                        + "${BudgetApi}/$default/PUT/v1/budgets/*")),
                regression("caller policy on the whole API", Rule.CALLER_POLICIES, r -> callerResources(r,
                        "BudgetAdminAccessPolicy").removeAll().add("arn:${AWS::Partition}:execute-api:"
                        + "${AWS::Region}:${AWS::AccountId}:${BudgetApi}/*")),
                regression("caller policy with another action", Rule.CALLER_POLICIES, r -> ((ObjectNode) object(r,
                        "EngineAccessPolicy", "Properties", "PolicyDocument").path("Statement").get(0))
                        .put("Action", "execute-api:ManageConnections")),
                regression("a route no caller policy names", Rule.CALLER_POLICIES, r -> object(r,
                        "BudgetCheckFunction", "Properties", "Events").set("Extra", object(r, "BudgetCheckFunction",
                        "Properties", "Events", "ListAlerts").deepCopy().put("Type", "HttpApi")
                        .set("Properties", object(r, "BudgetCheckFunction", "Properties", "Events", "ListAlerts",
                                "Properties").deepCopy().put("Path", "/v1/extra")))),
                // F8: topic, schedules, failure alarm
                regression("account may subscribe", Rule.TOPIC_SUBSCRIBE, r -> ((ArrayNode) r.path("AlertTopicPolicy")
                        .path("Properties").path("PolicyDocument").path("Statement").get(0).path("Action"))
                        .add("sns:Subscribe")),
                regression("subscribe without TLS", Rule.TOPIC_TRANSPORT, r -> topicStatement(r,
                        "DenyInsecureTransport").put("Action", "sns:Publish")),
                regression("fixed schedule name", Rule.SCHEDULE_NAMES, r -> object(r, "CostReportFunction",
                        "Properties", "Events", "Daily", "Properties").remove("Name")),
                regression("alarm on waiting messages", Rule.FAILURE_ALARM, r -> object(r, "FailedRunsAlarm",
                        "Properties").put("MetricName", "ApproximateNumberOfMessagesVisible")),
                regression("silent alarm", Rule.ALARM_ACTIONS, r -> object(r, "DataStaleAlarm", "Properties")
                        .remove("AlarmActions")),
                // F3: reports cannot starve headroom
                regression("report route on the headroom function", Rule.REPORT_ISOLATION, r -> object(r,
                        "BudgetCheckFunction", "Properties", "Events").set("CostExport", object(r, "ReportsFunction",
                        "Properties", "Events").remove("CostExport"))),
                regression("reports without reserved concurrency", Rule.REPORT_ISOLATION, r -> object(r,
                        "ReportsFunction", "Properties").remove("ReservedConcurrentExecutions")),
                regression("headroom without reserved concurrency", Rule.REPORT_ISOLATION, r -> object(r,
                        "BudgetCheckFunction", "Properties").remove("ReservedConcurrentExecutions")),
                regression("report route without its own throttle", Rule.REPORT_THROTTLES, r -> object(r,
                        "ReportsFunction", "Properties", "Events", "UsageExport", "Properties")
                        .remove("RouteSettings")));
    }

    private static Arguments regression(String name, Rule rule, Consumer<ObjectNode> weaken) {
        return Arguments.of(name, rule, weaken);
    }

    /** The object at {@code path} under the template's resources. */
    static ObjectNode object(ObjectNode resources, String... path) {
        JsonNode node = resources;
        for (String step : path) {
            node = node.path(step);
        }
        if (!node.isObject()) {
            throw new AssertionError("the template has no object at Resources/" + String.join("/", path)
                    + "; the regression no longer weakens anything");
        }
        return (ObjectNode) node;
    }

    /** The policy statement of {@code function} with this {@code Sid}. */
    static ObjectNode sid(ObjectNode resources, String function, String sid) {
        for (JsonNode policy : resources.path(function).path("Properties").path("Policies")) {
            for (JsonNode statement : policy.path("Statement")) {
                if (statement.path("Sid").asText().equals(sid)) {
                    return (ObjectNode) statement;
                }
            }
        }
        throw new AssertionError(function + " has no statement " + sid + "; the regression no longer weakens anything");
    }

    private static ArrayNode callerResources(ObjectNode resources, String policy) {
        return (ArrayNode) object(resources, policy, "Properties", "PolicyDocument").path("Statement").get(0)
                .path("Resource");
    }

    private static ArrayNode leadingKeys(ObjectNode resources, String function, String sid) {
        return (ArrayNode) sid(resources, function, sid).at("/Condition/ForAllValues:StringLike/dynamodb:LeadingKeys");
    }

    private static ObjectNode topicStatement(ObjectNode resources, String sid) {
        for (JsonNode statement : resources.path("AlertTopicPolicy").at("/Properties/PolicyDocument/Statement")) {
            if (statement.path("Sid").asText().equals(sid)) {
                return (ObjectNode) statement;
            }
        }
        throw new AssertionError("the topic policy has no statement " + sid);
    }

    /** A new statement added to {@code function}'s policies. */
    private static ObjectNode statement(ObjectNode resources, String function) {
        return ((ArrayNode) resources.path(function).path("Properties").path("Policies")).addObject()
                .putArray("Statement").addObject().put("Effect", "Allow");
    }
}
