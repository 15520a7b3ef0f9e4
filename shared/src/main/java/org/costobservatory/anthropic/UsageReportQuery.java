package org.costobservatory.anthropic;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request for {@code GET /v1/organizations/usage_report/messages}. Times must sit on bucket boundaries (UTC);
 * at most five {@code group_by[]} dimensions (the API refuses more); filters use the documented array parameters.
 *
 * @param startingAt inclusive start, aligned to the bucket width
 * @param endingAt   exclusive end, aligned, at least one bucket after the start
 * @param width      1m, 1h or 1d
 * @param groupBy    the {@code group_by[]} values, in order
 * @param filters    array filters by parameter name without brackets, e.g. {@code models} or {@code context_window}
 * @param limit      buckets per page; empty means the largest the API allows for the width
 */
public record UsageReportQuery(Instant startingAt, Instant endingAt, BucketWidth width, List<String> groupBy,
                               Map<String, List<String>> filters, Optional<Integer> limit) {

    /** The five dimensions the hourly pull stores. */
    public static final List<String> STORED_DIMENSIONS =
            List.of("model", "workspace_id", "api_key_id", "service_tier", "context_window");

    /** Array filters the API documents; anything else is refused before a request is sent. */
    public static final List<String> FILTERS = List.of("models", "workspace_ids", "api_key_ids", "account_ids",
            "service_account_ids", "service_tiers", "context_window", "inference_geos", "speeds");

    public static final int MAX_GROUP_BY = 5;

    public UsageReportQuery {
        Objects.requireNonNull(startingAt, "startingAt");
        Objects.requireNonNull(endingAt, "endingAt");
        Objects.requireNonNull(width, "width");
        groupBy = List.copyOf(groupBy);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        filters.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        filters = Map.copyOf(copy);
        limit = limit == null ? Optional.empty() : limit;
        if (groupBy.size() > MAX_GROUP_BY) {
            throw new IllegalArgumentException("group_by[]: at most " + MAX_GROUP_BY + " dimensions, got "
                    + groupBy.size());
        }
        if (groupBy.stream().distinct().count() != groupBy.size()) {
            throw new IllegalArgumentException("group_by[]: a dimension is listed twice: " + groupBy);
        }
        for (String name : filters.keySet()) {
            if (!FILTERS.contains(name)) {
                throw new IllegalArgumentException("unknown usage report filter '" + name + "' (known: " + FILTERS
                        + ")");
            }
        }
        if (!endingAt.isAfter(startingAt)) {
            throw new IllegalArgumentException("ending_at " + endingAt + " must be after starting_at " + startingAt);
        }
        long widthSeconds = width.length().getSeconds();
        if (startingAt.getEpochSecond() % widthSeconds != 0 || endingAt.getEpochSecond() % widthSeconds != 0
                || startingAt.getNano() != 0 || endingAt.getNano() != 0) {
            throw new IllegalArgumentException("starting_at and ending_at must sit on " + width.wire()
                    + " bucket boundaries in UTC: " + startingAt + " .. " + endingAt);
        }
        limit.ifPresent(value -> {
            if (value < 1 || value > width.maxLimit()) {
                throw new IllegalArgumentException("limit must be 1.." + width.maxLimit() + " for " + width.wire()
                        + ", got " + value);
            }
        });
    }

    /** The hourly pull: every stored dimension, no filters, the largest page. */
    public static UsageReportQuery hourly(Instant from, Instant toExclusive) {
        return new UsageReportQuery(from, toExclusive, BucketWidth.HOUR, STORED_DIMENSIONS, Map.of(),
                Optional.empty());
    }

    public UsageReportQuery withFilter(String name, List<String> values) {
        Map<String, List<String>> next = new LinkedHashMap<>(filters);
        next.put(name, values);
        return new UsageReportQuery(startingAt, endingAt, width, groupBy, next, limit);
    }

    public UsageReportQuery withLimit(int value) {
        return new UsageReportQuery(startingAt, endingAt, width, groupBy, filters, Optional.of(value));
    }

    public UsageReportQuery withGroupBy(List<String> dimensions) {
        return new UsageReportQuery(startingAt, endingAt, width, new ArrayList<>(dimensions), filters, limit);
    }

    public int effectiveLimit() {
        return limit.orElse(width.maxLimit());
    }
}
