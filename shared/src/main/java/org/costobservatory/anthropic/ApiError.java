package org.costobservatory.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.costobservatory.json.Json;
import org.costobservatory.log.Secrets;

/**
 * What an error response said, read leniently: Anthropic's documented {@code {"type":"error","error":{"type",
 * "message", "details"?}, "request_id"}} shape, or, for anything else (an HTML page from a proxy, an empty body),
 * the start of the body so the failure still explains itself.
 *
 * @param status    HTTP status
 * @param type      {@code error.type}, or null
 * @param message   {@code error.message}, or null
 * @param errorCode {@code error.details.error_code} (e.g. {@code enforced_spend_limit_reached}), or null
 * @param requestId body {@code request_id}, else the {@code request-id} header, or null
 * @param snippet   the body's first characters when it was not the documented JSON shape, else null
 */
record ApiError(int status, String type, String message, String errorCode, String requestId, String snippet) {
    static final String SPEND_LIMIT_CODE = "enforced_spend_limit_reached";
    private static final int SNIPPET_CHARS = 200;
    private static final int MAX_JSON_BYTES = 256 * 1024;

    static ApiError from(int status, byte[] body, HttpHeaders headers) {
        String headerRequestId = headers.firstValue("request-id").orElse(null);
        if (body != null && body.length > 0 && body.length <= MAX_JSON_BYTES) {
            try {
                JsonNode root = Json.mapper().readTree(body);
                JsonNode error = root == null ? null : root.get("error");
                if (error != null && error.isObject() && text(error.get("type")) != null) {
                    String requestId = text(root.get("request_id"));
                    JsonNode details = error.get("details");
                    String code = details != null && details.isObject() ? text(details.get("error_code")) : null;
                    return new ApiError(status, text(error.get("type")), text(error.get("message")), code,
                            requestId != null ? requestId : headerRequestId, null);
                }
            } catch (IOException | RuntimeException notJson) {
                // Fall through: the snippet below explains the failure instead.
            }
        }
        return new ApiError(status, null, null, null, headerRequestId, snippet(body));
    }

    /** An I/O failure that produced no response. */
    static ApiError none() {
        return new ApiError(0, null, null, null, null, null);
    }

    boolean spendLimitReached() {
        return SPEND_LIMIT_CODE.equals(errorCode);
    }

    /** "HTTP 429 rate_limit_error: Number of requests ... (request_id req_...)", redacted. */
    String describe() {
        StringBuilder text = new StringBuilder("HTTP ").append(status);
        if (type != null) {
            text.append(' ').append(type);
            if (message != null) {
                text.append(": ").append(message);
            }
            if (errorCode != null) {
                text.append(" [").append(errorCode).append(']');
            }
        } else if (snippet == null || snippet.isEmpty()) {
            text.append(" with an empty body");
        } else {
            text.append(" with a body that is not Anthropic's error JSON: \"").append(snippet).append('"');
        }
        if (requestId != null) {
            text.append(" (request_id ").append(requestId).append(')');
        }
        return Secrets.redact(text.toString());
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static String snippet(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        // Redact the whole body before cutting anything, so a secret that straddles a cut is never half shown (a
        // body padded with whitespace would otherwise bring the end of a long read into the snippet).
        String text = Secrets.redact(new String(body, StandardCharsets.UTF_8));
        text = text.replaceAll("\\s+", " ").strip().replaceAll("\\p{Cntrl}", "?");
        return text.length() > SNIPPET_CHARS ? text.substring(0, SNIPPET_CHARS) + "..." : text;
    }
}
