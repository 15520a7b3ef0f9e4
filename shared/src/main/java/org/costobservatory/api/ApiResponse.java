package org.costobservatory.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.costobservatory.json.Json;
import org.costobservatory.log.Secrets;

/** An HTTP response. Every error has the shape {@code {"error": {"type": ..., "message": ...}}}. */
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public static ApiResponse json(int status, Object value) {
        try {
            String text = Secrets.redact(Json.mapper().writeValueAsString(value));
            return new ApiResponse(status, Map.of("content-type", "application/json", "cache-control", "no-store"),
                    text.getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a response", e);
        }
    }

    public static ApiResponse error(int status, String type, String message) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("type", type);
        error.put("message", message);
        return json(status, root);
    }

    public static ApiResponse invalid(String message) {
        return error(400, "invalid_request", message);
    }

    public static ApiResponse notFound(String message) {
        return error(404, "not_found", message);
    }

    public static ApiResponse unavailable(String message, int retryAfterSeconds) {
        ApiResponse base = error(503, "store_unavailable", message);
        Map<String, String> headers = new LinkedHashMap<>(base.headers());
        headers.put("retry-after", Integer.toString(retryAfterSeconds));
        return new ApiResponse(503, headers, base.body());
    }

    public static ApiResponse bytes(int status, String contentType, byte[] body) {
        return new ApiResponse(status, Map.of("content-type", contentType, "cache-control", "no-store"), body);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
