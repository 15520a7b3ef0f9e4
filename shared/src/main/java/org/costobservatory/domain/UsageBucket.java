package org.costobservatory.domain;

import java.time.Instant;
import java.util.List;

/** One bucket of the usage report, [start, end), with its rows (possibly none). */
public record UsageBucket(Instant start, Instant end, List<UsageRow> rows) {
    public UsageBucket {
        rows = List.copyOf(rows);
    }
}
