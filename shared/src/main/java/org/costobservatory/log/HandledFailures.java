package org.costobservatory.log;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failures that are handled by design instead of failing the work around them, each logged where it happens and
 * counted here, so "nothing is swallowed" stays checkable: {@code GET /v1/health} shows this process's counts, and a
 * run summary says when its run handled one. The counts are per process (a Lambda execution environment, or the
 * local server) and start at zero.
 */
public final class HandledFailures {
    /** Each place where a failure is handled on purpose. */
    public enum Kind {
        /** The cost run could not refresh workspace names; reports keep the names stored before. */
        WORKSPACE_NAMES_REFRESH("workspace_names_refresh"),
        /** The cost run could not read the API keys' workspaces; headroom keeps the ones stored before. */
        API_KEYS_REFRESH("api_keys_refresh"),
        /** Threshold alerts failed during a headroom check; the answer stands, a later check or ingest retries. */
        ALERTS_DURING_HEADROOM("alerts_during_headroom");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private static final Map<Kind, AtomicLong> COUNTS = new EnumMap<>(Kind.class);

    static {
        for (Kind kind : Kind.values()) {
            COUNTS.put(kind, new AtomicLong());
        }
    }

    private HandledFailures() {
    }

    /** Counts one handled failure of {@code kind}; returns how many this process has handled so far. */
    public static long record(Kind kind) {
        return COUNTS.get(kind).incrementAndGet();
    }

    public static long count(Kind kind) {
        return COUNTS.get(kind).get();
    }

    /** Every kind with its count, zero included, by id. */
    public static Map<String, Long> snapshot() {
        Map<String, Long> counts = new LinkedHashMap<>();
        COUNTS.forEach((kind, count) -> counts.put(kind.id(), count.get()));
        return Collections.unmodifiableMap(counts);
    }
}
