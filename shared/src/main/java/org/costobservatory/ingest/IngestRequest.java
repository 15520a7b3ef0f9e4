package org.costobservatory.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/** What an ingest run was asked to do: a scheduled run, or a manual backfill of whole UTC days. */
public sealed interface IngestRequest {

    /** A run triggered by the schedule; its window derives from {@code scheduledTime}, never from "now". */
    record Scheduled(Instant scheduledTime) implements IngestRequest {
        public Scheduled {
            Objects.requireNonNull(scheduledTime, "scheduledTime");
        }
    }

    /** A manual backfill of the UTC days {@code from..to}, both inclusive. */
    record Backfill(LocalDate from, LocalDate to) implements IngestRequest {
        public Backfill {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (to.isBefore(from)) {
                throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
            }
        }
    }
}
