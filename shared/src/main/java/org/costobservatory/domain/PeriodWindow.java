package org.costobservatory.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** One budget period, {@code [start, end)}, in the budget's time zone. */
public record PeriodWindow(ZonedDateTime start, ZonedDateTime end) {

    public Instant startInstant() {
        return start.toInstant();
    }

    public Instant endInstant() {
        return end.toInstant();
    }

    public ZoneId zone() {
        return start.getZone();
    }

    /** ISO-8601 with offset, e.g. {@code 2026-11-01T00:00:00-04:00}. */
    public String startText() {
        return start.toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    public String endText() {
        return end.toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /** Stable key of the period for alert bookkeeping: its start as a UTC instant. */
    public String key() {
        return startInstant().toString();
    }
}
