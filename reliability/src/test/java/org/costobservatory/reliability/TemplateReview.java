package org.costobservatory.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The security review of {@code template.yaml}, as rules a test can keep. Each finding names the rule it breaks and
 * what it found; an empty list means the template passes.
 */
final class TemplateReview {
    /**
     * SAM policy templates the functions may use; each is scoped to one named resource by SAM. The DynamoDB ones are
     * not: they grant every item of the table (and Scan, BatchGetItem, DeleteItem) where each function needs a few.
     */
    static final Set<String> ALLOWED_POLICY_TEMPLATES = Set.of("SNSPublishMessagePolicy", "SQSSendMessagePolicy");

    /** The item-level DynamoDB actions the stores use. Anything else (Scan, BatchGetItem, PartiQL...) is refused. */
    static final Set<String> TABLE_READS = Set.of("dynamodb:GetItem", "dynamodb:Query");
    static final Set<String> TABLE_WRITES = Set.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem");

    /**
     * The table's item types as {@code dynamodb:LeadingKeys} patterns (README, "How data is stored";
     * {@code store/dynamodb/Keys.java}). A write grant names some of these, never a pattern that spans several.
     * A budget's hold ledger lives beside it in the {@code BUDGET} partition.
     */
    static final Set<String> ITEM_TYPES = Set.of("COST#*", "USAGE#*", "SPEND#*", "SCOPES", "WATERMARK", "VERSION",
            "WORKSPACE", "API_KEY", "BUDGET", "ALERT", "NOTICE", "HOLD#*", "RUNCLASS#*", "AUDIT#*", "CALIBRATION",
            "PROVISIONAL", "ESTIMATE", "ANOMALY");
    /**
     * All a function behind the HTTP API may write: budgets and their ledgers, the records of their changes, holds
     * and run-class costs, the alerts and notices a check or a change sends, and imported client estimates.
     */
    static final Set<String> API_WRITES = Set.of("BUDGET", "AUDIT#*", "HOLD#*", "RUNCLASS#*", "ALERT", "NOTICE",
            "ESTIMATE");
    /** Budgets are the operator's: a scheduled (ingest) function never writes them. */
    static final Set<String> NEVER_WRITTEN_BY_INGEST = Set.of("BUDGET");

    /**
     * Routes that export, reconcile, import, analyse or draw (many reads or writes per request) rather than answer a
     * pre-flight check.
     */
    static boolean isReportRoute(String path) {
        return path.equals("/") || path.startsWith("/v1/reports/") || path.equals("/v1/reconciliation")
                || path.equals("/v1/estimates") || path.equals("/v1/insights") || path.equals("/v1/anomalies");
    }

    /** Routes an agent engine calls: headroom, holds and health. Every other route is a budget administrator's. */
    static boolean isEngineRoute(String path) {
        return path.equals("/v1/headroom") || path.equals("/v1/health") || path.equals("/v1/holds")
                || path.startsWith("/v1/holds/");
    }

    /** A route in a caller policy: {@code arn:...:execute-api:...:${BudgetApi}/$default/METHOD/path}. */
    private static final Pattern ROUTE_ARN = Pattern.compile("^arn:\\$\\{AWS::Partition}:execute-api:"
            + "\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:\\$\\{(\\w+)}/\\$default/([A-Z]+)(/.*)$");

    /** The most concurrent executions the report and dashboard function may ever have. */
    static final int REPORT_CONCURRENCY_CAP = 10;

    /** What the review asks of the template. */
    enum Rule {
        IAM_AUTHORIZER("the HTTP API's default authorizer is AWS_IAM"),
        ROUTE_AUTHORIZATION("every route is IAM-authorized on the stack's HTTP API; no REST API, no function URL"),
        WILDCARDS("no wildcard action or resource in an IAM statement"),
        REVIEWED_POLICIES("only reviewed SAM policy templates; no managed policies on functions, no hand-made roles"),
        CALLER_POLICIES("two caller policies, exported: engines may invoke exactly the headroom, hold and health "
                + "routes, budget administrators exactly the others; each names route ARNs of the stack's API, a * "
                + "only for a path parameter"),
        ADMIN_KEY("the admin key lives only in an SSM SecureString made outside the stack"),
        RESOURCE_POLICIES("resource policies allow only this account's root or a service held to this account"),
        ENCRYPTION("table (with point-in-time recovery), topic and queue are encrypted at rest; keys rotate"),
        LOGS("JSON logs into log groups with a retention"),
        TABLE_ACTIONS("each function gets only item-level DynamoDB actions (no Scan, no batch reads, no policy "
                + "template that grants the whole table)"),
        TABLE_WRITE_KEYS("every table write is held by dynamodb:LeadingKeys (ForAllValues) to named item types"),
        TABLE_WRITE_OWNERS("ingest never writes budgets; functions behind the API write only budgets, alerts and "
                + "imported estimates"),
        TOPIC_SUBSCRIBE("the topic policy lets no one subscribe; subscribing takes an explicit IAM grant"),
        TOPIC_TRANSPORT("the topic refuses Publish and Subscribe without TLS"),
        SCHEDULE_NAMES("schedules are named after the stack, so a second stack can be deployed beside it"),
        FAILURE_ALARM("every queue alarms on messages sent, so each failure alarms, not only the first"),
        ALARM_ACTIONS("every alarm notifies the stack's alert topic when it goes to ALARM"),
        REPORT_ISOLATION("reports and the dashboard run on their own function with a small, bounded reserved "
                + "concurrency; the other routes' function reserves its own"),
        REPORT_THROTTLES("report and dashboard routes have their own throttles, below the API's default");

        final String promise;

        Rule(String promise) {
            this.promise = promise;
        }
    }

    /** One thing the review found: the rule it breaks and where. */
    record Finding(Rule rule, String message) {
        @Override
        public String toString() {
            return rule + ": " + message;
        }
    }

    private TemplateReview() {
    }

    static List<Finding> review(JsonNode template) {
        List<Finding> found = new ArrayList<>();
        JsonNode resources = template.path("Resources");
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            JsonNode resource = entry.getValue();
            JsonNode properties = resource.path("Properties");
            switch (resource.path("Type").asText()) {
                case "AWS::Serverless::HttpApi" -> {
                    if (!"AWS_IAM".equals(properties.at("/Auth/DefaultAuthorizer").asText())
                            || !properties.at("/Auth/EnableIamAuthorizer").asBoolean()) {
                        found.add(new Finding(Rule.IAM_AUTHORIZER,
                                name + ": the HTTP API's default authorizer must be AWS_IAM"));
                    }
                }
                case "AWS::Serverless::Api" -> found.add(new Finding(Rule.ROUTE_AUTHORIZATION,
                        name + ": REST APIs are not reviewed; use the IAM HTTP API"));
                case "AWS::Serverless::Function" -> function(name, properties, resources, found);
                case "AWS::DynamoDB::Table" -> {
                    if (!properties.at("/SSESpecification/SSEEnabled").asBoolean()) {
                        found.add(new Finding(Rule.ENCRYPTION,
                                name + ": the table must be encrypted at rest with KMS (SSEEnabled)"));
                    }
                    if (!properties.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean()) {
                        found.add(new Finding(Rule.ENCRYPTION, name + ": the table must have point-in-time recovery"));
                    }
                }
                case "AWS::SNS::Topic" -> {
                    if (properties.path("KmsMasterKeyId").isMissingNode()) {
                        found.add(new Finding(Rule.ENCRYPTION,
                                name + ": the topic must be encrypted at rest (KmsMasterKeyId)"));
                    }
                }
                case "AWS::SQS::Queue" -> {
                    if (!properties.path("SqsManagedSseEnabled").asBoolean()
                            && properties.path("KmsMasterKeyId").isMissingNode()) {
                        found.add(new Finding(Rule.ENCRYPTION, name + ": the queue must be encrypted at rest"));
                    }
                    if (!alarmsOnMessagesSent(name, resources)) {
                        found.add(new Finding(Rule.FAILURE_ALARM, name + ": no alarm (with an action) on the "
                                + "queue's NumberOfMessagesSent"));
                    }
                }
                case "AWS::KMS::Key" -> {
                    if (!properties.path("EnableKeyRotation").asBoolean()) {
                        found.add(new Finding(Rule.ENCRYPTION, name + ": the key must rotate"));
                    }
                    resourcePolicy(name, properties.path("KeyPolicy"), true, found);
                }
                case "AWS::SNS::TopicPolicy" -> {
                    resourcePolicy(name, properties.path("PolicyDocument"), false, found);
                    topicPolicy(name, properties.path("PolicyDocument"), found);
                }
                case "AWS::SQS::QueuePolicy" -> resourcePolicy(name, properties.path("PolicyDocument"), false, found);
                case "AWS::Scheduler::Schedule" -> scheduleName(name, properties, found);
                case "AWS::CloudWatch::Alarm" -> {
                    if (list(properties.path("AlarmActions")).stream().noneMatch(action -> resources.path(
                            action.asText()).path("Type").asText().equals("AWS::SNS::Topic"))) {
                        found.add(new Finding(Rule.ALARM_ACTIONS, name + ": notifies no topic of the stack"));
                    }
                    if (properties.path("Namespace").asText().equals("AWS/SQS")
                            && !properties.path("MetricName").asText().equals("NumberOfMessagesSent")) {
                        found.add(new Finding(Rule.FAILURE_ALARM, name + ": " + properties.path("MetricName").asText()
                                + " stays in ALARM while anything waits in the queue, so later failures are silent"));
                    }
                }
                case "AWS::SSM::Parameter" -> found.add(new Finding(Rule.ADMIN_KEY, name + ": the admin key must live "
                        + "only in an SSM SecureString created outside the stack; the stack creates no parameters"));
                case "AWS::Logs::LogGroup" -> {
                    if (properties.path("RetentionInDays").isMissingNode()) {
                        found.add(new Finding(Rule.LOGS, name + ": log groups need a retention"));
                    }
                }
                case "AWS::Lambda::Url" -> found.add(new Finding(Rule.ROUTE_AUTHORIZATION,
                        name + ": function URLs bypass the IAM HTTP API"));
                case "AWS::Serverless::LayerVersion", "AWS::IAM::Role", "AWS::IAM::Policy" -> found.add(new Finding(
                        Rule.REVIEWED_POLICIES,
                        name + ": " + resource.path("Type").asText() + " is not expected in this stack"));
                default -> {
                }
            }
        }
        routes(template, found);
        callerPolicies(template, found);
        JsonNode globals = template.at("/Globals/Function/Environment/Variables");
        if (globals.has("ANTHROPIC_ADMIN_KEY")) {
            found.add(new Finding(Rule.ADMIN_KEY, "Globals: the admin key must not be an environment variable"));
        }
        JsonNode keyParameter = template.at("/Parameters/AdminKeyParameterName/Default");
        if (keyParameter.asText().startsWith("sk-ant")) {
            found.add(new Finding(Rule.ADMIN_KEY,
                    "AdminKeyParameterName: its default looks like a key, not a parameter name"));
        }
        return found;
    }

    private static void function(String name, JsonNode properties, JsonNode resources, List<Finding> found) {
        JsonNode variables = properties.at("/Environment/Variables");
        if (variables.has("ANTHROPIC_ADMIN_KEY")) {
            found.add(new Finding(Rule.ADMIN_KEY, name + ": the admin key must not be an environment variable"));
        }
        if (variables.has("ADMIN_KEY_PARAMETER") && !variables.path("ADMIN_KEY_PARAMETER").asText()
                .equals("AdminKeyParameterName")) {
            found.add(new Finding(Rule.ADMIN_KEY,
                    name + ": ADMIN_KEY_PARAMETER must come from the AdminKeyParameterName parameter"));
        }
        if (properties.path("FunctionUrlConfig").isObject()) {
            found.add(new Finding(Rule.ROUTE_AUTHORIZATION, name + ": function URLs bypass the IAM HTTP API"));
        }
        if (!"JSON".equals(properties.at("/LoggingConfig/LogFormat").asText())
                || properties.at("/LoggingConfig/LogGroup").isMissingNode()) {
            found.add(new Finding(Rule.LOGS, name + ": needs JSON logs into its own log group"));
        }
        Set<String> writes = new TreeSet<>();
        for (JsonNode policy : properties.path("Policies")) {
            if (policy.isTextual()) {
                found.add(new Finding(Rule.REVIEWED_POLICIES,
                        name + ": managed policy " + policy.asText() + " is broader than its resources"));
                continue;
            }
            for (Iterator<String> keys = policy.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (key.equals("Statement")) {
                    for (JsonNode statement : policy.path("Statement")) {
                        statement(name, statement, found);
                        writes.addAll(tableStatement(name, statement, found));
                    }
                } else if (key.startsWith("DynamoDB")) {
                    found.add(new Finding(Rule.TABLE_ACTIONS, name + ": " + key + " grants every item of the table; "
                            + "grant the item-level actions the function uses"));
                } else if (!ALLOWED_POLICY_TEMPLATES.contains(key)) {
                    found.add(new Finding(Rule.REVIEWED_POLICIES,
                            name + ": policy template " + key + " is not on the reviewed list"));
                }
            }
        }
        writeOwners(name, properties, writes, found);
        for (Iterator<Map.Entry<String, JsonNode>> events = properties.path("Events").fields(); events.hasNext(); ) {
            Map.Entry<String, JsonNode> event = events.next();
            String type = event.getValue().path("Type").asText();
            JsonNode eventProperties = event.getValue().path("Properties");
            if (type.equals("HttpApi")) {
                String api = eventProperties.path("ApiId").asText();
                if (!resources.path(api).path("Type").asText().equals("AWS::Serverless::HttpApi")) {
                    found.add(new Finding(Rule.ROUTE_AUTHORIZATION,
                            name + "." + event.getKey() + ": routes must belong to the stack's IAM HTTP API"));
                }
                String authorizer = eventProperties.at("/Auth/Authorizer").asText("");
                if (!authorizer.isEmpty() && !authorizer.equals("AWS_IAM")) {
                    found.add(new Finding(Rule.ROUTE_AUTHORIZATION,
                            name + "." + event.getKey() + ": route overrides IAM authorization with " + authorizer));
                }
            } else if (type.equals("Api")) {
                found.add(new Finding(Rule.ROUTE_AUTHORIZATION,
                        name + "." + event.getKey() + ": REST API events are not allowed"));
            } else if (type.equals("ScheduleV2")) {
                scheduleName(name + "." + event.getKey(), eventProperties, found);
            }
        }
    }

    /**
     * The table part of one statement: only item-level actions; writes only under a ForAllValues condition on
     * {@code dynamodb:LeadingKeys} naming item types. Returns the item types it lets the function write.
     */
    private static Set<String> tableStatement(String owner, JsonNode statement, List<Finding> found) {
        Set<String> writes = new TreeSet<>();
        if (!"Allow".equals(statement.path("Effect").asText())) {
            return writes;
        }
        boolean writing = false;
        for (JsonNode action : list(statement.path("Action"))) {
            String text = action.asText();
            if (!text.startsWith("dynamodb:")) {
                continue;
            }
            if (TABLE_WRITES.contains(text)) {
                writing = true;
            } else if (!TABLE_READS.contains(text)) {
                found.add(new Finding(Rule.TABLE_ACTIONS, owner + ": " + text + " is not an action the stores use"));
            }
        }
        if (!writing) {
            return writes;
        }
        String sid = statement.path("Sid").asText("(no Sid)");
        JsonNode keys = MissingNode.getInstance();
        for (Iterator<Map.Entry<String, JsonNode>> it = statement.path("Condition").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> operator = it.next();
            if (!operator.getValue().has("dynamodb:LeadingKeys")) {
                continue;
            }
            if (operator.getKey().equals("ForAllValues:StringLike")
                    || operator.getKey().equals("ForAllValues:StringEquals")) {
                keys = operator.getValue().path("dynamodb:LeadingKeys");
            } else {
                found.add(new Finding(Rule.TABLE_WRITE_KEYS, owner + "." + sid + ": " + operator.getKey()
                        + " on dynamodb:LeadingKeys does not hold every key of a request"));
            }
        }
        List<JsonNode> patterns = list(keys);
        if (patterns.isEmpty()) {
            found.add(new Finding(Rule.TABLE_WRITE_KEYS, owner + "." + sid
                    + ": writes to the table without a dynamodb:LeadingKeys condition"));
        }
        for (JsonNode pattern : patterns) {
            if (!ITEM_TYPES.contains(pattern.asText())) {
                found.add(new Finding(Rule.TABLE_WRITE_KEYS, owner + "." + sid + ": '" + pattern.asText()
                        + "' is not one item type of the table " + ITEM_TYPES));
            }
            writes.add(pattern.asText());
        }
        return writes;
    }

    private static void writeOwners(String name, JsonNode properties, Set<String> writes, List<Finding> found) {
        boolean scheduled = false;
        boolean api = false;
        for (JsonNode event : properties.path("Events")) {
            String type = event.path("Type").asText();
            scheduled |= type.equals("ScheduleV2") || type.equals("Schedule");
            api |= type.equals("HttpApi");
        }
        for (String written : writes) {
            if (scheduled && NEVER_WRITTEN_BY_INGEST.contains(written)) {
                found.add(new Finding(Rule.TABLE_WRITE_OWNERS, name + ": a scheduled ingest function writes "
                        + written + " items"));
            }
            if (api && ITEM_TYPES.contains(written) && !API_WRITES.contains(written)) {
                found.add(new Finding(Rule.TABLE_WRITE_OWNERS, name + ": a function behind the API writes "
                        + written + " items; it may write only " + API_WRITES));
            }
        }
    }

    /** Schedules share one namespace per account and region (the default group): the stack's name keeps them apart. */
    private static void scheduleName(String owner, JsonNode properties, List<Finding> found) {
        if (properties.path("OmitName").asBoolean()) {
            return;
        }
        if (!properties.path("Name").asText("").startsWith("${AWS::StackName}")) {
            found.add(new Finding(Rule.SCHEDULE_NAMES, owner + ": schedule name '" + properties.path("Name")
                    .asText("(generated from the logical id)") + "' would collide with a second stack's"));
        }
    }

    private static boolean alarmsOnMessagesSent(String queue, JsonNode resources) {
        for (JsonNode resource : resources) {
            JsonNode properties = resource.path("Properties");
            if (!resource.path("Type").asText().equals("AWS::CloudWatch::Alarm")
                    || !properties.path("MetricName").asText().equals("NumberOfMessagesSent")
                    || list(properties.path("AlarmActions")).isEmpty()) {
                continue;
            }
            for (JsonNode dimension : properties.path("Dimensions")) {
                if (dimension.path("Name").asText().equals("QueueName")
                        && dimension.path("Value").asText().equals(queue + ".QueueName")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Subscribing forwards every alert somewhere; the deny keeps Publish and Subscribe on TLS. */
    private static void topicPolicy(String owner, JsonNode document, List<Finding> found) {
        boolean publishDenied = false;
        boolean subscribeDenied = false;
        for (JsonNode statement : document.path("Statement")) {
            List<String> actions = list(statement.path("Action")).stream().map(JsonNode::asText).toList();
            if ("Allow".equals(statement.path("Effect").asText()) && actions.contains("sns:Subscribe")) {
                found.add(new Finding(Rule.TOPIC_SUBSCRIBE, owner + "." + statement.path("Sid").asText()
                        + ": allows sns:Subscribe to " + statement.path("Principal")));
            }
            if ("Deny".equals(statement.path("Effect").asText())
                    && "*".equals(statement.path("Principal").asText())
                    && "false".equals(statement.at("/Condition/Bool/aws:SecureTransport").asText())) {
                publishDenied |= actions.contains("sns:Publish");
                subscribeDenied |= actions.contains("sns:Subscribe");
            }
        }
        if (!publishDenied || !subscribeDenied) {
            found.add(new Finding(Rule.TOPIC_TRANSPORT, owner + ": must deny "
                    + (publishDenied ? "" : "sns:Publish ") + (subscribeDenied ? "" : "sns:Subscribe ")
                    + "without TLS (aws:SecureTransport false)"));
        }
    }

    /**
     * Report and dashboard routes run on functions of their own with a bounded reserved concurrency, so however
     * many exports run, the headroom function's executions are not theirs; and each such route has its own throttle.
     */
    private static void routes(JsonNode template, List<Finding> found) {
        JsonNode resources = template.path("Resources");
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                continue;
            }
            String name = entry.getKey();
            JsonNode properties = entry.getValue().path("Properties");
            List<String> reports = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> events = properties.path("Events").fields();
                 events.hasNext(); ) {
                Map.Entry<String, JsonNode> event = events.next();
                if (!event.getValue().path("Type").asText().equals("HttpApi")) {
                    continue;
                }
                JsonNode route = event.getValue().path("Properties");
                if (isReportRoute(route.path("Path").asText())) {
                    reports.add(event.getKey());
                    routeThrottle(template, name + "." + event.getKey(), route, found);
                } else {
                    others.add(event.getKey());
                }
            }
            JsonNode reserved = properties.path("ReservedConcurrentExecutions");
            if (!reports.isEmpty() && !others.isEmpty()) {
                found.add(new Finding(Rule.REPORT_ISOLATION, name + ": serves reports " + reports
                        + " beside " + others + "; reports need a function of their own"));
            }
            if (!reports.isEmpty()) {
                double most = upperBound(template, reserved);
                if (!(most <= REPORT_CONCURRENCY_CAP)) {
                    found.add(new Finding(Rule.REPORT_ISOLATION, name + ": serves reports with reserved concurrency "
                            + (reserved.isMissingNode() ? "unset" : "up to " + most) + "; it must be at most "
                            + REPORT_CONCURRENCY_CAP));
                }
            } else if (!others.isEmpty() && reserved.isMissingNode()) {
                found.add(new Finding(Rule.REPORT_ISOLATION, name + ": serves " + others
                        + " without a reserved concurrency of its own"));
            }
        }
    }

    /** Every HTTP route of the template as {@code METHOD /path}, a path parameter written {@code *}. */
    static Set<String> routes(JsonNode template) {
        Set<String> routes = new TreeSet<>();
        for (JsonNode resource : template.path("Resources")) {
            for (JsonNode event : resource.at("/Properties/Events")) {
                if (event.path("Type").asText().equals("HttpApi")) {
                    routes.add(event.at("/Properties/Method").asText() + " "
                            + event.at("/Properties/Path").asText().replaceAll("\\{[^/}]+}", "*"));
                }
            }
        }
        return routes;
    }

    /** The routes each caller policy (an {@code AWS::IAM::ManagedPolicy}) names, by logical id. */
    static Map<String, Set<String>> callerRoutes(JsonNode template, List<Finding> found) {
        Map<String, Set<String>> policies = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().path("Type").asText().equals("AWS::IAM::ManagedPolicy")) {
                continue;
            }
            String name = entry.getKey();
            JsonNode properties = entry.getValue().path("Properties");
            for (String attachment : List.of("Roles", "Users", "Groups")) {
                if (!list(properties.path(attachment)).isEmpty()) {
                    found.add(new Finding(Rule.CALLER_POLICIES, name + ": attached to " + attachment + " in the stack; "
                            + "callers attach it themselves"));
                }
            }
            Set<String> routes = new TreeSet<>();
            for (JsonNode statement : properties.at("/PolicyDocument/Statement")) {
                if (!"Allow".equals(statement.path("Effect").asText()) || !statement.path("Condition").isMissingNode()
                        || !statement.path("NotAction").isMissingNode()
                        || !statement.path("NotResource").isMissingNode()) {
                    found.add(new Finding(Rule.CALLER_POLICIES, name + ": statements are plain Allows"));
                }
                List<JsonNode> actions = list(statement.path("Action"));
                if (actions.size() != 1 || !actions.get(0).asText().equals("execute-api:Invoke")) {
                    found.add(new Finding(Rule.CALLER_POLICIES, name + ": grants " + statement.path("Action")
                            + "; a caller policy grants execute-api:Invoke only"));
                }
                for (JsonNode resource : list(statement.path("Resource"))) {
                    Matcher arn = ROUTE_ARN.matcher(resource.asText());
                    if (!arn.matches() || !template.path("Resources").path(arn.group(1)).path("Type").asText()
                            .equals("AWS::Serverless::HttpApi")) {
                        found.add(new Finding(Rule.CALLER_POLICIES, name + ": '" + resource.asText() + "' is not a "
                                + "route of the stack's HTTP API"));
                        continue;
                    }
                    routes.add(arn.group(2) + " " + arn.group(3));
                }
            }
            policies.put(name, routes);
        }
        return policies;
    }

    private static void callerPolicies(JsonNode template, List<Finding> found) {
        Set<String> all = routes(template);
        Set<String> engine = new TreeSet<>();
        all.stream().filter(route -> isEngineRoute(route.substring(route.indexOf(' ') + 1))).forEach(engine::add);
        Set<String> administrator = new TreeSet<>(all);
        administrator.removeAll(engine);
        Map<String, Set<String>> policies = callerRoutes(template, found);
        boolean engines = false;
        boolean administrators = false;
        for (Map.Entry<String, Set<String>> policy : policies.entrySet()) {
            if (policy.getValue().equals(engine)) {
                engines = true;
            } else if (policy.getValue().equals(administrator)) {
                administrators = true;
            } else {
                Set<String> unknown = new TreeSet<>(policy.getValue());
                unknown.removeAll(all);
                found.add(new Finding(Rule.CALLER_POLICIES, policy.getKey() + ": names " + policy.getValue()
                        + (unknown.isEmpty() ? "" : ", of which no route: " + unknown) + "; an engine policy names "
                        + "exactly " + engine + ", an administrator policy exactly " + administrator));
            }
            boolean exported = false;
            for (JsonNode output : template.path("Outputs")) {
                exported |= output.path("Value").asText().equals(policy.getKey())
                        && output.at("/Export/Name").isTextual();
            }
            if (!exported) {
                found.add(new Finding(Rule.CALLER_POLICIES, policy.getKey() + ": not exported as an output"));
            }
        }
        if (!engines || !administrators) {
            found.add(new Finding(Rule.CALLER_POLICIES, "the stack needs a caller policy for engines and one for "
                    + "budget administrators" + (engines ? "" : "; no policy names exactly " + engine)
                    + (administrators ? "" : "; no policy names exactly " + administrator)));
        }
    }

    private static void routeThrottle(JsonNode template, String owner, JsonNode route, List<Finding> found) {
        JsonNode defaults = MissingNode.getInstance();
        for (JsonNode resource : template.path("Resources")) {
            if (resource.path("Type").asText().equals("AWS::Serverless::HttpApi")
                    && route.path("ApiId").asText().equals(idOf(template, resource))) {
                defaults = resource.at("/Properties/DefaultRouteSettings");
            }
        }
        for (String limit : List.of("ThrottlingBurstLimit", "ThrottlingRateLimit")) {
            double own = upperBound(template, route.at("/RouteSettings/" + limit));
            double shared = upperBound(template, defaults.path(limit));
            if (!(own < shared)) {
                found.add(new Finding(Rule.REPORT_THROTTLES, owner + ": " + limit + " must be set below the API's "
                        + "default (" + shared + ")"));
            }
        }
    }

    private static String idOf(JsonNode template, JsonNode resource) {
        for (Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getValue() == resource) {
                return entry.getKey();
            }
        }
        return "";
    }

    /**
     * The largest value a number in the template can take: itself, or the most a parameter allows (its
     * {@code MaxValue} or largest {@code AllowedValues}). Infinity when unset or unbounded.
     */
    static double upperBound(JsonNode template, JsonNode value) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isTextual()) {
            JsonNode parameter = template.path("Parameters").path(value.asText());
            if (parameter.has("MaxValue")) {
                return upperBound(template, parameter.path("MaxValue"));
            }
            if (parameter.has("AllowedValues")) {
                return list(parameter.path("AllowedValues")).stream().mapToDouble(v -> upperBound(template, v))
                        .max().orElse(Double.POSITIVE_INFINITY);
            }
            try {
                return Double.parseDouble(value.asText());
            } catch (NumberFormatException e) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static void statement(String owner, JsonNode statement, List<Finding> found) {
        for (JsonNode action : list(statement.path("Action"))) {
            if (action.asText().contains("*")) {
                found.add(new Finding(Rule.WILDCARDS, owner + ": wildcard action " + action.asText()));
            }
        }
        for (JsonNode resource : list(statement.path("Resource"))) {
            if (resource.isTextual() && resource.asText().contains("*")) {
                found.add(new Finding(Rule.WILDCARDS, owner + ": wildcard resource " + resource.asText()));
            }
        }
    }

    /**
     * Resource policies: allows go only to this account's root (which delegates to IAM) or to a service principal
     * held to this account by {@code aws:SourceAccount}. In a key policy, {@code Resource: "*"} means the key itself.
     */
    private static void resourcePolicy(String owner, JsonNode document, boolean keyPolicy, List<Finding> found) {
        for (JsonNode statement : document.path("Statement")) {
            if ("Deny".equals(statement.path("Effect").asText())) {
                continue;
            }
            JsonNode principal = statement.path("Principal");
            String account = principal.path("AWS").asText("");
            boolean accountRoot = account.endsWith(":root") && account.contains("AWS::AccountId");
            boolean heldService = principal.has("Service")
                    && !statement.at("/Condition/StringEquals/aws:SourceAccount").isMissingNode();
            if (!accountRoot && !heldService) {
                found.add(new Finding(Rule.RESOURCE_POLICIES,
                        owner + ": allows " + principal + " beyond this account"));
            }
            if (!keyPolicy) {
                statement(owner, statement, found);
            } else if (!accountRoot) {
                for (JsonNode action : list(statement.path("Action"))) {
                    if (action.asText().equals("kms:*")) {
                        found.add(new Finding(Rule.RESOURCE_POLICIES,
                                owner + ": only the account root may administer the key"));
                    }
                }
            }
        }
    }

    static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            items.add(node);
        }
        return items;
    }
}
