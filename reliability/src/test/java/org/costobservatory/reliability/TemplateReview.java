package org.costobservatory.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The security review of {@code template.yaml}, as rules a test can keep. Each rule names what it found; an empty
 * list means the template passes.
 */
final class TemplateReview {
    /** SAM policy templates the functions may use; each is scoped to one named resource by SAM. */
    static final Set<String> ALLOWED_POLICY_TEMPLATES = Set.of("DynamoDBCrudPolicy", "DynamoDBReadPolicy",
            "SNSPublishMessagePolicy", "SQSSendMessagePolicy");

    private TemplateReview() {
    }

    static List<String> violations(JsonNode template) {
        List<String> found = new ArrayList<>();
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
                        found.add(name + ": the HTTP API's default authorizer must be AWS_IAM");
                    }
                }
                case "AWS::Serverless::Api" -> found.add(name + ": REST APIs are not reviewed; use the IAM HTTP API");
                case "AWS::Serverless::Function" -> function(name, properties, resources, found);
                case "AWS::DynamoDB::Table" -> {
                    if (!properties.at("/SSESpecification/SSEEnabled").asBoolean()) {
                        found.add(name + ": the table must be encrypted at rest with KMS (SSEEnabled)");
                    }
                    if (!properties.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean()) {
                        found.add(name + ": the table must have point-in-time recovery");
                    }
                }
                case "AWS::SNS::Topic" -> {
                    if (properties.path("KmsMasterKeyId").isMissingNode()) {
                        found.add(name + ": the topic must be encrypted at rest (KmsMasterKeyId)");
                    }
                }
                case "AWS::SQS::Queue" -> {
                    if (!properties.path("SqsManagedSseEnabled").asBoolean()
                            && properties.path("KmsMasterKeyId").isMissingNode()) {
                        found.add(name + ": the queue must be encrypted at rest");
                    }
                }
                case "AWS::KMS::Key" -> {
                    if (!properties.path("EnableKeyRotation").asBoolean()) {
                        found.add(name + ": the key must rotate");
                    }
                    resourcePolicy(name, properties.path("KeyPolicy"), true, found);
                }
                case "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy" ->
                        resourcePolicy(name, properties.path("PolicyDocument"), false, found);
                case "AWS::SSM::Parameter" -> found.add(name + ": the admin key must live only in an SSM SecureString "
                        + "created outside the stack; the stack creates no parameters");
                case "AWS::Logs::LogGroup" -> {
                    if (properties.path("RetentionInDays").isMissingNode()) {
                        found.add(name + ": log groups need a retention");
                    }
                }
                case "AWS::Lambda::Url", "AWS::Serverless::LayerVersion", "AWS::IAM::Role", "AWS::IAM::Policy",
                     "AWS::IAM::ManagedPolicy" -> found.add(name + ": " + resource.path("Type").asText()
                        + " is not expected in this stack");
                default -> {
                }
            }
        }
        JsonNode globals = template.at("/Globals/Function/Environment/Variables");
        if (globals.has("ANTHROPIC_ADMIN_KEY")) {
            found.add("Globals: the admin key must not be an environment variable");
        }
        JsonNode keyParameter = template.at("/Parameters/AdminKeyParameterName/Default");
        if (keyParameter.asText().startsWith("sk-ant")) {
            found.add("AdminKeyParameterName: its default looks like a key, not a parameter name");
        }
        return found;
    }

    private static void function(String name, JsonNode properties, JsonNode resources, List<String> found) {
        JsonNode variables = properties.at("/Environment/Variables");
        if (variables.has("ANTHROPIC_ADMIN_KEY")) {
            found.add(name + ": the admin key must not be an environment variable");
        }
        if (variables.has("ADMIN_KEY_PARAMETER") && !variables.path("ADMIN_KEY_PARAMETER").asText()
                .equals("AdminKeyParameterName")) {
            found.add(name + ": ADMIN_KEY_PARAMETER must come from the AdminKeyParameterName parameter");
        }
        if (properties.path("FunctionUrlConfig").isObject()) {
            found.add(name + ": function URLs bypass the IAM HTTP API");
        }
        if (!"JSON".equals(properties.at("/LoggingConfig/LogFormat").asText())
                || properties.at("/LoggingConfig/LogGroup").isMissingNode()) {
            found.add(name + ": needs JSON logs into its own log group");
        }
        for (JsonNode policy : properties.path("Policies")) {
            if (policy.isTextual()) {
                found.add(name + ": managed policy " + policy.asText() + " is broader than its resources");
                continue;
            }
            for (Iterator<String> keys = policy.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (key.equals("Statement")) {
                    for (JsonNode statement : policy.path("Statement")) {
                        statement(name, statement, found);
                    }
                } else if (!ALLOWED_POLICY_TEMPLATES.contains(key)) {
                    found.add(name + ": policy template " + key + " is not on the reviewed list");
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
                    found.add(name + "." + event.getKey() + ": routes must belong to the stack's IAM HTTP API");
                }
                String authorizer = eventProperties.at("/Auth/Authorizer").asText("");
                if (!authorizer.isEmpty() && !authorizer.equals("AWS_IAM")) {
                    found.add(name + "." + event.getKey() + ": route overrides IAM authorization with " + authorizer);
                }
            } else if (type.equals("Api")) {
                found.add(name + "." + event.getKey() + ": REST API events are not allowed");
            }
        }
    }

    private static void statement(String owner, JsonNode statement, List<String> found) {
        for (JsonNode action : list(statement.path("Action"))) {
            if (action.asText().contains("*")) {
                found.add(owner + ": wildcard action " + action.asText());
            }
        }
        for (JsonNode resource : list(statement.path("Resource"))) {
            if (resource.isTextual() && resource.asText().contains("*")) {
                found.add(owner + ": wildcard resource " + resource.asText());
            }
        }
    }

    /**
     * Resource policies: allows go only to this account's root (which delegates to IAM) or to a service principal
     * held to this account by {@code aws:SourceAccount}. In a key policy, {@code Resource: "*"} means the key itself.
     */
    private static void resourcePolicy(String owner, JsonNode document, boolean keyPolicy, List<String> found) {
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
                found.add(owner + ": allows " + principal + " beyond this account");
            }
            if (!keyPolicy) {
                for (JsonNode action : list(statement.path("Action"))) {
                    if (action.asText().contains("*")) {
                        found.add(owner + ": wildcard action " + action.asText());
                    }
                }
                for (JsonNode resource : list(statement.path("Resource"))) {
                    if (resource.isTextual() && resource.asText().contains("*")) {
                        found.add(owner + ": wildcard resource " + resource.asText());
                    }
                }
            } else if (!accountRoot) {
                for (JsonNode action : list(statement.path("Action"))) {
                    if (action.asText().equals("kms:*")) {
                        found.add(owner + ": only the account root may administer the key");
                    }
                }
            }
        }
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            items.add(node);
        }
        return items;
    }
}
