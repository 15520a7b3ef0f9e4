package org.costobservatory.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The security review of {@code template.yaml}, as rules a test can keep. Each finding names the rule it breaks and
 * what it found; an empty list means the template passes.
 */
final class TemplateReview {
    /** SAM policy templates the functions may use; each is scoped to one named resource by SAM. */
    static final Set<String> ALLOWED_POLICY_TEMPLATES = Set.of("DynamoDBCrudPolicy", "DynamoDBReadPolicy",
            "SNSPublishMessagePolicy", "SQSSendMessagePolicy");

    /** What the review asks of the template. */
    enum Rule {
        IAM_AUTHORIZER("the HTTP API's default authorizer is AWS_IAM"),
        ROUTE_AUTHORIZATION("every route is IAM-authorized on the stack's HTTP API; no REST API, no function URL"),
        WILDCARDS("no wildcard action or resource in an IAM statement"),
        REVIEWED_POLICIES("only reviewed SAM policy templates; no managed policies or hand-made IAM resources"),
        ADMIN_KEY("the admin key lives only in an SSM SecureString made outside the stack"),
        RESOURCE_POLICIES("resource policies allow only this account's root or a service held to this account"),
        ENCRYPTION("table (with point-in-time recovery), topic and queue are encrypted at rest; keys rotate"),
        LOGS("JSON logs into log groups with a retention");

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
                }
                case "AWS::KMS::Key" -> {
                    if (!properties.path("EnableKeyRotation").asBoolean()) {
                        found.add(new Finding(Rule.ENCRYPTION, name + ": the key must rotate"));
                    }
                    resourcePolicy(name, properties.path("KeyPolicy"), true, found);
                }
                case "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy" ->
                        resourcePolicy(name, properties.path("PolicyDocument"), false, found);
                case "AWS::SSM::Parameter" -> found.add(new Finding(Rule.ADMIN_KEY, name + ": the admin key must live "
                        + "only in an SSM SecureString created outside the stack; the stack creates no parameters"));
                case "AWS::Logs::LogGroup" -> {
                    if (properties.path("RetentionInDays").isMissingNode()) {
                        found.add(new Finding(Rule.LOGS, name + ": log groups need a retention"));
                    }
                }
                case "AWS::Lambda::Url" -> found.add(new Finding(Rule.ROUTE_AUTHORIZATION,
                        name + ": function URLs bypass the IAM HTTP API"));
                case "AWS::Serverless::LayerVersion", "AWS::IAM::Role", "AWS::IAM::Policy",
                     "AWS::IAM::ManagedPolicy" -> found.add(new Finding(Rule.REVIEWED_POLICIES,
                        name + ": " + resource.path("Type").asText() + " is not expected in this stack"));
                default -> {
                }
            }
        }
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
                    }
                } else if (!ALLOWED_POLICY_TEMPLATES.contains(key)) {
                    found.add(new Finding(Rule.REVIEWED_POLICIES,
                            name + ": policy template " + key + " is not on the reviewed list"));
                }
            }
        }
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
            }
        }
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
                found.add(new Finding(Rule.RESOURCE_POLICIES, owner + ": allows " + principal + " beyond this account"));
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
