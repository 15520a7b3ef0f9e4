package org.costobservatory.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The version of everything a period's spend is computed from: the rollups and the watermarks. Every write to them
 * moves {@code seq} on twice, once when it starts and once when it has finished, and is listed in
 * {@code writesInFlight} (write id to start) in between. So spend computed after reading a version with no write in
 * flight stays true until {@code seq} moves, and may be reused while it has not.
 *
 * @param seq            0 while nothing has ever been written
 * @param writesInFlight writes that have started and not finished, by id, with when they started
 */
public record DataVersion(long seq, Map<String, Instant> writesInFlight) {

    /**
     * The longest one write can run: the ingest functions' Lambda timeout (cost-report's, 900 s in template.yaml, the
     * longer of the two and Lambda's maximum). A write is one day's or hour's rollups, or one watermark, so seconds
     * in practice; an entry older than this belongs to a writer that died before it could say it had finished.
     */
    public static final Duration LONGEST_WRITE = Duration.ofSeconds(900);

    /** Nothing written yet. */
    public static final DataVersion NONE = new DataVersion(0, Map.of());

    public DataVersion {
        writesInFlight = Map.copyOf(writesInFlight);
    }

    /** True when a write may be under way at {@code now}: what is stored may be half written. */
    public boolean writing(Instant now) {
        // A writer's clock a little ahead of ours gives a start in our future: still in flight.
        return writesInFlight.values().stream()
                .anyMatch(started -> Duration.between(started, now).compareTo(LONGEST_WRITE) < 0);
    }
}
