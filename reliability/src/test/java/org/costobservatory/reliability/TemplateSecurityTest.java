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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The security review of template.yaml, kept by a test; and cfn-lint stays clean. */
class TemplateSecurityTest {
    private static final Path TEMPLATE = Path.of(System.getProperty("project.root", ".."), "template.yaml");

    static JsonNode template() throws Exception {
        return new YAMLMapper().readTree(Files.readAllBytes(TEMPLATE));
    }

    @Test
    void theTemplatePassesTheReview() throws Exception {
        assertThat(TemplateReview.violations(template())).isEmpty();
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
        assertThat(handlers).isEqualTo(3);
    }

    /** Each check must be able to fail: a deliberately weakened copy of the template is refused. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no IAM authorizer", "route without auth", "wildcard action", "wildcard resource",
            "managed policy", "key in environment", "public topic policy", "unencrypted table", "unencrypted topic",
            "function URL", "parameter resource", "log group without retention"})
    void aRegressionIsCaught(String regression) throws Exception {
        ObjectNode template = (ObjectNode) template();
        ObjectNode resources = (ObjectNode) template.path("Resources");
        ObjectNode function = (ObjectNode) resources.path("BudgetCheckFunction").path("Properties");
        Map<String, Consumer<ObjectNode>> regressions = Map.ofEntries(
                Map.entry("no IAM authorizer", t -> ((ObjectNode) resources.path("BudgetApi").path("Properties")
                        .path("Auth")).put("DefaultAuthorizer", "NONE")),
                Map.entry("route without auth", t -> ((ObjectNode) function.path("Events").path("Headroom")
                        .path("Properties")).putObject("Auth").put("Authorizer", "NONE")),
                Map.entry("wildcard action", t -> ((ArrayNode) function.path("Policies")).addObject()
                        .putArray("Statement").addObject().put("Effect", "Allow").put("Action", "dynamodb:*")
                        .put("Resource", "arn:aws:dynamodb:us-east-1:123456789012:table/x")),
                Map.entry("wildcard resource", t -> ((ArrayNode) function.path("Policies")).addObject()
                        .putArray("Statement").addObject().put("Effect", "Allow").put("Action", "sns:Publish")
                        .put("Resource", "*")),
                Map.entry("managed policy", t -> ((ArrayNode) function.path("Policies")).add("AmazonSNSFullAccess")),
                Map.entry("key in environment", t -> ((ObjectNode) resources.path("CostReportFunction")
                        .path("Properties").path("Environment").path("Variables"))
                        .put("ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-x")),
                Map.entry("public topic policy", t -> ((ObjectNode) resources.path("AlertTopicPolicy")
                        .path("Properties").path("PolicyDocument").path("Statement").get(0))
                        .putObject("Principal").put("AWS", "*")),
                Map.entry("unencrypted table", t -> ((ObjectNode) resources.path("CostTable").path("Properties"))
                        .remove("SSESpecification")),
                Map.entry("unencrypted topic", t -> ((ObjectNode) resources.path("AlertTopic").path("Properties"))
                        .remove("KmsMasterKeyId")),
                Map.entry("function URL", t -> function.putObject("FunctionUrlConfig").put("AuthType", "NONE")),
                Map.entry("parameter resource", t -> resources.putObject("AdminKey")
                        .put("Type", "AWS::SSM::Parameter")),
                Map.entry("log group without retention", t -> ((ObjectNode) resources.path("CostReportLogGroup")
                        .path("Properties")).remove("RetentionInDays")));
        regressions.get(regression).accept(template);
        assertThat(TemplateReview.violations(template)).isNotEmpty();
    }
}
