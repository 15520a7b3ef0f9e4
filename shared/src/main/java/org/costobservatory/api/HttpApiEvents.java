package org.costobservatory.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.json.Json;

/**
 * API Gateway HTTP API events (payload format 2.0) as the budget-check function receives and answers them: plain
 * JSON read and written with the one ObjectMapper, so the function needs neither the Lambda events library nor the
 * runtime's POJO serialisation.
 *
 * <p>Read from an event: {@code requestContext.http.method}, {@code rawPath} (else {@code requestContext.http.path}),
 * {@code rawQueryString}, {@code headers} (names lower-cased), {@code body} with {@code isBase64Encoded}, and the
 * caller API Gateway authorised with IAM, {@code requestContext.authorizer.iam.userArn} (else its
 * {@code callerId}). Written: {@code statusCode}, {@code headers}, {@code body} and {@code isBase64Encoded} (text
 * types as text, anything else base64).
 */
public final class HttpApiEvents {
    private HttpApiEvents() {
    }

    /** The event that is not an HTTP API event at all: the caller gets a 400 naming it. */
    public static final class NotAnEvent extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NotAnEvent(String message) {
            super(message);
        }
    }

    /**
     * @throws NotAnEvent when the bytes are not a JSON object, or its body is not the base64 it says it is
     */
    public static ApiRequest request(byte[] event) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(event);
        } catch (IOException e) {
            throw new NotAnEvent("the invocation is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new NotAnEvent("the invocation is not an API Gateway HTTP API event (a JSON object)");
        }
        JsonNode http = root.path("requestContext").path("http");
        String method = text(http.path("method")).orElse("GET");
        String path = text(root.path("rawPath")).or(() -> text(http.path("path"))).orElse("/");
        Map<String, String> headers = new HashMap<>();
        root.path("headers").fields().forEachRemaining(header -> {
            if (header.getValue().isValueNode() && !header.getValue().isNull()) {
                headers.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue().asText());
            }
        });
        byte[] body = new byte[0];
        Optional<String> text = text(root.path("body"));
        if (text.isPresent()) {
            if (root.path("isBase64Encoded").asBoolean(false)) {
                try {
                    body = Base64.getDecoder().decode(text.get());
                } catch (IllegalArgumentException e) {
                    throw new NotAnEvent("the event's body is marked base64 but is not base64");
                }
            } else {
                body = text.get().getBytes(StandardCharsets.UTF_8);
            }
        }
        JsonNode iam = root.path("requestContext").path("authorizer").path("iam");
        Optional<String> caller = text(iam.path("userArn")).or(() -> text(iam.path("callerId")));
        return new ApiRequest(method, path, text(root.path("rawQueryString")).orElse(""), headers, body, caller);
    }

    /** The response object API Gateway turns into the HTTP response. */
    public static byte[] response(ApiResponse response) {
        String type = response.headers().getOrDefault("content-type", "");
        boolean text = type.startsWith("application/json") || type.startsWith("text/") || type.contains("svg")
                || type.contains("javascript") || type.contains("csv");
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("statusCode", response.status());
        ObjectNode headers = root.putObject("headers");
        response.headers().forEach(headers::put);
        root.put("body", text ? new String(response.body(), StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(response.body()));
        root.put("isBase64Encoded", !text);
        try {
            return Json.mapper().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render the API Gateway response", e);
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }
}
