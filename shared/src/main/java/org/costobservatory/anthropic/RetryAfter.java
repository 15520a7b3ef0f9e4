package org.costobservatory.anthropic;

import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads how long the server asked us to wait: {@code retry-after-ms} (milliseconds), else {@code retry-after} as
 * seconds (possibly fractional) or as an HTTP date. Unreadable or negative values are ignored (back-off applies); a
 * date in the past means "now". Waits are capped at a day, far beyond any deadline we run under.
 */
final class RetryAfter {
    static final Duration LONGEST = Duration.ofDays(1);

    private RetryAfter() {
    }

    static Optional<Duration> from(HttpHeaders headers, Instant now) {
        Optional<Duration> millis = headers.firstValue("retry-after-ms").flatMap(value -> decimal(value, false));
        if (millis.isPresent()) {
            return millis;
        }
        return headers.firstValue("retry-after").flatMap(value -> seconds(value, now));
    }

    static Optional<Duration> seconds(String value, Instant now) {
        Optional<Duration> asNumber = decimal(value, true);
        if (asNumber.isPresent()) {
            return asNumber;
        }
        try {
            Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(cap(wait.isNegative() ? Duration.ZERO : wait));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A plain non-negative decimal, in seconds or in milliseconds. */
    private static Optional<Duration> decimal(String value, boolean inSeconds) {
        String text = value.trim();
        if (text.isEmpty() || text.length() > 30 || !text.matches("\\d+(\\.\\d+)?")) {
            return Optional.empty();
        }
        BigDecimal millis = inSeconds ? new BigDecimal(text).movePointRight(3) : new BigDecimal(text);
        if (millis.compareTo(BigDecimal.valueOf(LONGEST.toMillis())) > 0) {
            return Optional.of(LONGEST);
        }
        return Optional.of(Duration.ofNanos(millis.movePointRight(6).longValue()));
    }

    private static Duration cap(Duration wait) {
        return wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
    }
}
