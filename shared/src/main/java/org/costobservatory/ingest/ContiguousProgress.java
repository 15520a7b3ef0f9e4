package org.costobservatory.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows the buckets a pull returns and remembers how far they reach without a gap. The watermark may advance only
 * to {@link #contiguousEnd()}: a bucket that never arrived stops it, whatever came after.
 */
public final class ContiguousProgress {
    private final Instant windowStart;
    private final Instant windowEnd;
    private final Duration width;
    private Instant expected;
    private Instant contiguousEnd;
    private boolean gapSeen;
    private final List<Instant> missing = new ArrayList<>();

    public ContiguousProgress(IngestWindow window, Duration width) {
        this.windowStart = window.from();
        this.windowEnd = window.to();
        this.width = width;
        this.expected = window.from();
    }

    /** Records one returned bucket; returns false when it lies outside the window and must be ignored. */
    public boolean accept(Instant bucketStart) {
        if (bucketStart.isBefore(windowStart) || !bucketStart.isBefore(windowEnd)) {
            return false;
        }
        if (bucketStart.isBefore(expected)) {
            return true;   // a repeat of a bucket already seen
        }
        while (bucketStart.isAfter(expected)) {
            missing.add(expected);
            expected = expected.plus(width);
            gapSeen = true;
        }
        expected = bucketStart.plus(width);
        if (!gapSeen) {
            contiguousEnd = expected;
        }
        return true;
    }

    /** End of the gap-free stretch from the window start; empty-window runs report the start. */
    public Instant contiguousEnd() {
        return contiguousEnd == null ? windowStart : contiguousEnd;
    }

    /** Buckets of the window that never arrived (between returned ones, and after the last one). */
    public List<Instant> missingBuckets() {
        List<Instant> all = new ArrayList<>(missing);
        for (Instant at = expected; at.isBefore(windowEnd); at = at.plus(width)) {
            all.add(at);
        }
        return all;
    }
}
