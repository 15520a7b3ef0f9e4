package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.api.ApiRouter;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestInvocation;
import org.costobservatory.json.Json;
import org.costobservatory.metrics.EmfMetrics;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CloudWatch dashboard and alarms of {@code template.yaml} show only what the code writes. The real work runs
 * with the real EMF writer (both ingest runs through the functions' invocation path, budgets evaluated after them,
 * a headroom call for each decision); every metric of the stack's namespace that a widget or an alarm uses must be
 * one of those documents' metrics, with the same dimension names and, where the template names one, a value the
 * code writes. Metrics of AWS namespaces must be ones AWS publishes, for a resource of the stack. And every metric
 * the code writes is on the dashboard.
 */
class MetricsTemplateTest {
    private static final String STACK = "test-stack";
    private static final String NAMESPACE = "CostObservatory/" + STACK;
    /** What AWS publishes, by namespace: metric names and the dimension each is read by here. */
    private static final Map<String, Set<String>> AWS_METRICS = Map.of(
            "AWS/Lambda", Set.of("Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"),
            "AWS/ApiGateway", Set.of("Count", "4xx", "5xx", "Latency", "IntegrationLatency"),
            "AWS/SQS", Set.of("NumberOfMessagesSent", "ApproximateNumberOfMessagesVisible"));
    private static final Map<String, String> AWS_DIMENSION = Map.of("AWS/Lambda", "FunctionName",
            "AWS/ApiGateway", "ApiId", "AWS/SQS", "QueueName");
    private static final Map<String, String> AWS_RESOURCE_TYPE = Map.of("AWS/Lambda", "AWS::Serverless::Function",
            "AWS/ApiGateway", "AWS::Serverless::HttpApi", "AWS/SQS", "AWS::SQS::Queue");

    /** One metric as CloudWatch keys it: namespace, name and the set of dimension names. */
    record Metric(String namespace, String name, Set<String> dimensions) {
        @Override
        public String toString() {
            return namespace + " " + name + " " + dimensions;
        }
    }

    /** A use of a metric in the template: the metric, the dimension values it names (none for SEARCH), where. */
    record Use(Metric metric, Map<String, String> values, String where) {
    }

    private static FakeAdminApi api;
    /** Each metric the code wrote, with every value seen per dimension. */
    private static final Map<Metric, Map<String, Set<String>>> EMITTED = new TreeMap<>(
            java.util.Comparator.comparing(Metric::toString));

    @BeforeAll
    static void runTheWorkWithMetrics() throws Exception {
        api = FakeAdminApi.start();
        Fixture system = new Fixture(api);
        system.setCostWatermark("2026-08-10T00:00:00Z");
        system.setUsageWatermark("2026-08-13T22:00:00Z");
        system.serveCost(Fixture.costDays("2026-08-10", "2026-08-13", "50"), 2);
        system.serveUsage(Fixture.usageHours("2026-08-13T22:00:00Z", "2026-08-14T02:00:00Z", 2), 2);
        system.components.budgets().put(monthly("org", "100000"));

        List<String> lines = new CopyOnWriteArrayList<>();
        Components measured = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", system.table)))
                .dynamo(system.dynamo).clock(api.clock())
                .adminReports(() -> api.client(new StaticAdminKey(Fixture.KEY)))
                .alertPublisher(message -> "message-1")
                .metrics(new EmfMetrics(NAMESPACE, lines::add)).build();
        for (ReportKind report : List.of(ReportKind.COST, ReportKind.USAGE)) {
            String scheduled = report == ReportKind.COST ? "2026-08-14T02:30:00Z" : "2026-08-14T02:10:00Z";
            new IngestInvocation(report, measured.ingestJob(report), api.clock(), Duration.ofSeconds(20),
                    measured.metrics(), measured.watermarks()).handle(new ByteArrayInputStream(
                    ("{\"scheduled_time\": \"" + scheduled + "\"}").getBytes(StandardCharsets.UTF_8)),
                    new ByteArrayOutputStream(), Duration.ofMinutes(5));
        }

        // A budget for each decision, sized on what the runs stored.
        BigDecimal spent = measured.headroom().answer(monthly("org", "100000"), BigDecimal.ZERO).spentUsd();
        measured.budgets().put(monthly("roomy", spent.multiply(BigDecimal.TEN).setScale(2, RoundingMode.UP)
                .toPlainString()));
        measured.budgets().put(monthly("tight", spent.divide(new BigDecimal("0.8"), 2, RoundingMode.HALF_UP)
                .toPlainString()));
        measured.budgets().put(monthly("over", spent.divide(BigDecimal.valueOf(2), 2, RoundingMode.HALF_UP)
                .toPlainString()));
        ApiRouter router = measured.router(true);
        for (String budget : List.of("roomy", "tight", "over")) {
            ApiResponse response = router.handle(new ApiRequest("GET", "/v1/headroom", "budget=" + budget,
                    Map.of(), new byte[0], Optional.of("arn:aws:iam::123456789012:user/engine")));
            assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        }
        router.handle(new ApiRequest("GET", "/v1/headroom", "", Map.of(), new byte[0],
                Optional.of("arn:aws:iam::123456789012:user/engine")));

        for (String line : lines) {
            JsonNode document = Json.mapper().readTree(line);
            for (JsonNode directive : document.at("/_aws/CloudWatchMetrics")) {
                for (JsonNode dimensionSet : directive.path("Dimensions")) {
                    Set<String> dimensions = new TreeSet<>();
                    dimensionSet.forEach(name -> dimensions.add(name.asText()));
                    for (JsonNode metric : directive.path("Metrics")) {
                        Map<String, Set<String>> values = EMITTED.computeIfAbsent(new Metric(
                                directive.path("Namespace").asText(), metric.path("Name").asText(), dimensions),
                                k -> new TreeMap<>());
                        dimensions.forEach(name -> values.computeIfAbsent(name, k -> new TreeSet<>())
                                .add(document.path(name).asText()));
                    }
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static Budget monthly(String name, String limit) {
        return new Budget(name, new BigDecimal(limit), BudgetPeriod.MONTHLY, ZoneOffset.UTC, BudgetScope.ORGANISATION,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @Test
    void theWorkWroteEveryKindOfMetric() {
        assertThat(EMITTED.keySet()).extracting(Metric::name).contains("SpentUsd", "LimitUsd", "PercentUsed",
                "HeldUsd", "Rows", "Buckets", "DurationMs", "DataLagMinutes", "HeadroomCalls", "HeadroomLatencyMs");
        assertThat(EMITTED.get(new Metric(NAMESPACE, "HeadroomCalls", Set.of("Decision"))).get("Decision"))
                .as("a call for each decision").containsExactlyInAnyOrder("allow", "warn", "deny");
        assertThat(EMITTED.get(new Metric(NAMESPACE, "Rows", Set.of("Report"))).get("Report"))
                .containsExactlyInAnyOrder("cost", "usage");
    }

    @Test
    void everyMetricOfTheDashboardAndTheAlarmsIsOneTheCodeWrites() throws Exception {
        List<Use> uses = uses(TemplateSecurityTest.template());
        assertThat(uses).as("the template uses metrics").hasSizeGreaterThan(10);
        assertThat(problems(uses, TemplateSecurityTest.template())).isEmpty();
    }

    @Test
    void everyMetricTheCodeWritesIsOnTheDashboard() throws Exception {
        Set<String> shown = new TreeSet<>();
        for (Use use : uses(TemplateSecurityTest.template())) {
            if (use.where().startsWith("OperationsDashboard")) {
                shown.add(use.metric().toString());
            }
        }
        Set<String> written = new TreeSet<>();
        EMITTED.keySet().forEach(metric -> written.add(metric.toString()));
        assertThat(shown).containsAll(written);
    }

    @Test
    void withoutOperatorMetricsNothingIsLeftReadingThem() throws Exception {
        JsonNode template = TemplateSecurityTest.template();
        assertThat(stranded(template)).isEmpty();
        assertThat(template.at("/Conditions/HasOperatorMetrics").toString()).as("!Equals [!Ref OperatorMetrics, true]")
                .isEqualTo("[\"OperatorMetrics\",\"true\"]");
        assertThat(template.at("/Globals/Function/Environment/Variables/METRICS_ENABLED").asText())
                .as("the functions are told").isEqualTo("OperatorMetrics");
        assertThat(template.at("/Outputs/DashboardUrl/Condition").asText()).isEqualTo("HasOperatorMetrics");

        String text = new String(java.nio.file.Files.readAllBytes(TemplateSecurityTest.TEMPLATE),
                StandardCharsets.UTF_8);
        String guard = "    Type: AWS::CloudWatch::Alarm\n    Condition: HasOperatorMetrics\n";
        assertThat(text).contains(guard);
        JsonNode weakened = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(
                text.replace(guard, "    Type: AWS::CloudWatch::Alarm\n"));
        assertThat(stranded(weakened)).containsExactly("DataStaleAlarm");
    }

    /** Resources that read the stack's own metrics but stay when OperatorMetrics is false. */
    private static Set<String> stranded(JsonNode template) throws Exception {
        Set<String> stranded = new TreeSet<>();
        for (Use use : uses(template)) {
            String resource = use.where().split(" ")[0];
            if (use.metric().namespace().equals(NAMESPACE)
                    && !"HasOperatorMetrics".equals(template.path("Resources").path(resource).path("Condition")
                    .asText())) {
                stranded.add(resource);
            }
        }
        return stranded;
    }

    @Test
    void aMisspelledOrMisdimensionedMetricIsCaught() throws Exception {
        String text = new String(java.nio.file.Files.readAllBytes(TemplateSecurityTest.TEMPLATE),
                StandardCharsets.UTF_8);
        for (String[] broken : List.of(
                new String[]{"MetricName: DataLagMinutes", "MetricName: DataLagMinute"},
                new String[]{"\"HeadroomCalls\", \"Decision\", \"deny\"", "\"HeadroomCalls\", \"Decision\", \"refuse\""},
                new String[]{"MetricName=\\\"SpentUsd\\\"", "MetricName=\\\"SpendUsd\\\""},
                new String[]{"\"Rows\", \"Report\", \"cost\"", "\"Rows\", \"Budget\", \"cost\""},
                new String[]{"\"Errors\", \"FunctionName\", \"${CostReportFunction}\"",
                        "\"Errors\", \"FunctionName\", \"${CostReport}\""})) {
            assertThat(text).as("the template still has %s", broken[0]).contains(broken[0]);
            JsonNode weakened = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(
                    text.replace(broken[0], broken[1]));
            assertThat(problems(uses(weakened), weakened)).as(broken[1]).isNotEmpty();
        }
    }

    // ---------------------------------------------------------------- reading the template

    private static List<String> problems(List<Use> uses, JsonNode template) {
        List<String> problems = new ArrayList<>();
        for (Use use : uses) {
            Metric metric = use.metric();
            if (metric.namespace().startsWith("AWS/")) {
                String dimension = AWS_DIMENSION.get(metric.namespace());
                if (!AWS_METRICS.getOrDefault(metric.namespace(), Set.of()).contains(metric.name())
                        || !metric.dimensions().equals(Set.of(dimension))) {
                    problems.add(use.where() + ": " + metric + " is not a metric this template reads from AWS");
                    continue;
                }
                String resource = use.values().get(dimension).replaceFirst("\\.QueueName$", "");
                if (!template.path("Resources").path(resource).path("Type").asText()
                        .equals(AWS_RESOURCE_TYPE.get(metric.namespace()))) {
                    problems.add(use.where() + ": " + metric + " names " + use.values().get(dimension)
                            + ", which is not a " + AWS_RESOURCE_TYPE.get(metric.namespace()) + " of the stack");
                }
                continue;
            }
            Map<String, Set<String>> written = EMITTED.get(metric);
            if (!metric.namespace().equals(NAMESPACE) || written == null) {
                problems.add(use.where() + ": " + metric + " is not written by the code; it writes " + EMITTED.keySet());
                continue;
            }
            use.values().forEach((dimension, value) -> {
                if (!written.get(dimension).contains(value)) {
                    problems.add(use.where() + ": " + metric + " with " + dimension + "=" + value
                            + " is never written; the code writes " + written.get(dimension));
                }
            });
        }
        return problems;
    }

    /** Every metric the alarms and the dashboard of {@code template} use. */
    static List<Use> uses(JsonNode template) throws Exception {
        List<Use> uses = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> resource = it.next();
            JsonNode properties = resource.getValue().path("Properties");
            switch (resource.getValue().path("Type").asText()) {
                case "AWS::CloudWatch::Alarm" -> {
                    assertThat(properties.has("Metrics")).as("%s: metric math alarms are not read here",
                            resource.getKey()).isFalse();
                    Map<String, String> values = new TreeMap<>();
                    for (JsonNode dimension : properties.path("Dimensions")) {
                        values.put(dimension.path("Name").asText(), dimension.path("Value").asText());
                    }
                    uses.add(new Use(new Metric(substitute(properties.path("Namespace").asText()),
                            properties.path("MetricName").asText(), values.keySet()), values, resource.getKey()));
                }
                case "AWS::CloudWatch::Dashboard" -> dashboard(resource.getKey(), Json.mapper().readTree(
                        substitute(properties.path("DashboardBody").asText())), uses);
                default -> {
                }
            }
        }
        return uses;
    }

    private static final Pattern SEARCH = Pattern.compile(
            "SEARCH\\('\\{([^}]*)\\}\\s+MetricName=\"([^\"]+)\"'");

    private static void dashboard(String name, JsonNode body, List<Use> uses) {
        int index = 0;
        for (JsonNode widget : body.path("widgets")) {
            String where = name + " widget " + index++ + " (" + widget.at("/properties/title").asText() + ")";
            for (JsonNode line : widget.at("/properties/metrics")) {
                if (line.size() == 1 && line.get(0).has("expression")) {
                    String expression = line.get(0).path("expression").asText();
                    Matcher search = SEARCH.matcher(expression);
                    assertThat(search.find()).as("%s: an expression this test reads: %s", where, expression).isTrue();
                    List<String> schema = List.of(search.group(1).split(","));
                    uses.add(new Use(new Metric(schema.get(0).trim(), search.group(2),
                            new TreeSet<>(schema.subList(1, schema.size()).stream().map(String::trim).toList())),
                            Map.of(), where));
                    continue;
                }
                List<String> parts = new ArrayList<>();
                line.forEach(part -> {
                    if (part.isTextual()) {
                        parts.add(part.asText());
                    }
                });
                assertThat(parts).as("%s: a metric is written out in full (no \".\" shorthand)", where)
                        .doesNotContain(".").hasSizeGreaterThanOrEqualTo(2);
                Map<String, String> values = new TreeMap<>();
                for (int i = 2; i + 1 < parts.size(); i += 2) {
                    values.put(parts.get(i), parts.get(i + 1));
                }
                uses.add(new Use(new Metric(parts.get(0), parts.get(1), values.keySet()), values, where));
            }
        }
    }

    /** CloudFormation's !Sub for a stack named {@value STACK}: resources stand for themselves. */
    private static String substitute(String text) {
        return text.replace("${AWS::StackName}", STACK).replace("${AWS::Region}", "us-east-1")
                .replace("${StaleAfterMinutes}", "180").replaceAll("\\$\\{([A-Za-z0-9.]+)\\}", "$1");
    }
}
