package org.costobservatory.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.costobservatory.json.Json;

/**
 * Turns the JSON an ingest function is invoked with into an {@link IngestRequest}. Accepted shapes:
 * <ul>
 *   <li>{@code {"scheduled_time": "2026-11-24T02:30:00Z"}}: EventBridge Scheduler with
 *       {@code <aws.scheduler.scheduled-time>} in its input (what the template sends)</li>
 *   <li>an EventBridge "Scheduled Event" with a {@code time} field</li>
 *   <li>{@code {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}}: a manual backfill, both days inclusive</li>
 * </ul>
 */
public final class IngestEvents {
    private IngestEvents() {
    }

    public static IngestRequest parse(byte[] event) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(event);
        } catch (IOException e) {
            throw new IllegalArgumentException("the event is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the event must be a JSON object");
        }
        if (root.has("from") || root.has("to")) {
            return new IngestRequest.Backfill(date(root, "from"), date(root, "to"));
        }
        if (root.hasNonNull("scheduled_time")) {
            return new IngestRequest.Scheduled(instant(root, "scheduled_time"));
        }
        if (root.hasNonNull("time")) {
            return new IngestRequest.Scheduled(instant(root, "time"));
        }
        throw new IllegalArgumentException("the event has neither 'scheduled_time' (scheduled run) nor "
                + "'from' and 'to' (backfill, YYYY-MM-DD)");
    }

    private static LocalDate date(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("backfill needs '" + field + "' as \"YYYY-MM-DD\"");
        }
        try {
            return LocalDate.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' must be a date as YYYY-MM-DD, got '"
                    + value.asText() + "'");
        }
    }

    private static Instant instant(JsonNode root, String field) {
        String text = root.get(field).asText();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException("'" + field + "' must be an RFC 3339 time, got '" + text + "'");
            }
        }
    }
}
