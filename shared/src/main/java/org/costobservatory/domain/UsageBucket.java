package org.costobservatory.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bucket of the usage report, [start, end), with its rows (possibly none). Rows with the same
 * {@linkplain UsageRow#key() key} (split by a dimension we do not store, such as {@code inference_geo}) are added up
 * here, the one place where that happens; every row of a bucket has a distinct key.
 *
 * @throws ArithmeticException when adding up rows overflows a token count
 */
public record UsageBucket(Instant start, Instant end, List<UsageRow> rows) {
    public UsageBucket {
        Map<String, UsageRow> merged = new LinkedHashMap<>();
        for (UsageRow row : rows) {
            merged.merge(row.key(), row, UsageRow::plus);
        }
        rows = List.copyOf(merged.values());
    }
}
