package org.costobservatory.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.costobservatory.anthropic.ParameterStore;
import org.costobservatory.json.Json;

/**
 * SSM Parameter Store's {@code GetParameter} as a {@link SignedAwsCalls signed HTTP call}. This is the only SSM call
 * Cost Observatory makes (the admin key, once at init and once after a 401), and the SDK's SSM client would add
 * 6 MB, 40 % of an ingest function's package, for it. The endpoint is {@code AWS_ENDPOINT_URL_SSM} when set.
 */
public final class SsmParameters implements ParameterStore {
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/x-amz-json-1.1",
            "X-Amz-Target", "AmazonSSM.GetParameter");

    private final SignedAwsCalls ssm;

    SsmParameters(SignedAwsCalls ssm) {
        this.ssm = Objects.requireNonNull(ssm);
    }

    /** From {@code AWS_REGION} (else the SDK's region chain) and {@code AWS_ENDPOINT_URL_SSM}. */
    public static SsmParameters fromEnvironment(Map<String, String> env) {
        return new SsmParameters(SignedAwsCalls.fromEnvironment("ssm", env));
    }

    @Override
    public Parameter read(String name) {
        ObjectNode query = Json.mapper().createObjectNode();
        query.put("Name", name);
        query.put("WithDecryption", true);
        SignedAwsCalls.Answer response = ssm.post("GetParameter", HEADERS,
                query.toString().getBytes(StandardCharsets.UTF_8),
                answer -> SignedAwsCalls.transientFailure(answer, errorType(parse(answer.body()))));
        JsonNode answer = parse(response.body());
        if (response.status() == 200) {
            JsonNode parameter = answer.path("Parameter");
            return new Parameter(parameter.path("Value").isTextual() ? parameter.path("Value").asText() : null,
                    parameter.path("Type").asText(null));
        }
        String type = errorType(answer);
        if ("ParameterNotFound".equals(type)) {
            throw new NotFound(name);
        }
        // Only the error type and AWS's message are kept; AWS never echoes a parameter's value in them.
        throw new IllegalStateException("SSM GetParameter answered HTTP " + response.status() + " " + type + ": "
                + answer.path("message").asText(answer.path("Message").asText("")));
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }

    /** {@code "com.amazonaws.ssm#ParameterNotFound"} or {@code "ParameterNotFound"} becomes the latter. */
    private static String errorType(JsonNode answer) {
        String type = answer.path("__type").asText("UnknownError");
        return type.substring(type.lastIndexOf('#') + 1);
    }

    @Override
    public String toString() {
        return "SsmParameters[" + ssm + "]";
    }
}
