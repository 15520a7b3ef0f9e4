package org.costobservatory.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Strict query-string parsing: only the parameters a route allows, each at most once. API Gateway joins repeated
 * parameters with commas, so the raw query string is parsed here instead.
 */
final class QueryParameters {
    static final int MAX_QUERY_LENGTH = 2048;

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    /** @throws BadRequest naming the first problem */
    static QueryParameters parse(String rawQuery, Set<String> allowed) {
        if (rawQuery.length() > MAX_QUERY_LENGTH) {
            throw new BadRequest("the query string is longer than " + MAX_QUERY_LENGTH + " characters");
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery.isEmpty()) {
            return new QueryParameters(values);
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (!allowed.contains(name)) {
                throw new BadRequest("unknown query parameter '" + printable(name) + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            if (values.containsKey(name)) {
                throw new BadRequest("query parameter '" + name + "' is given more than once");
            }
            values.put(name, value);
        }
        return new QueryParameters(values);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** A required date parameter, {@code YYYY-MM-DD}; a 400 naming it when it is missing or malformed. */
    LocalDate date(String name) {
        String text = get(name).orElseThrow(() -> new BadRequest(name + " is required (YYYY-MM-DD)"));
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadRequest(name + " must be a date as YYYY-MM-DD");
        }
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("the query string is not valid percent-encoding");
        }
    }

    /** Echo only short, plain names back; anything else is described, not repeated. */
    private static String printable(String name) {
        return name.length() <= 40 && name.matches("[A-Za-z0-9_.-]*") ? name : "(unprintable)";
    }
}
