package org.costobservatory.api;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP request as the API sees it, free of API Gateway types.
 *
 * @param rawQuery     the undecoded query string (API Gateway's {@code rawQueryString})
 * @param headers      lower-case header names
 * @param iamCaller    the IAM identity API Gateway authorised, if any
 */
public record ApiRequest(String method, String path, String rawQuery, Map<String, String> headers, byte[] body,
                         Optional<String> iamCaller) {
    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        rawQuery = rawQuery == null ? "" : rawQuery;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
        iamCaller = iamCaller == null ? Optional.empty() : iamCaller;
        method = method.toUpperCase(Locale.ROOT);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
