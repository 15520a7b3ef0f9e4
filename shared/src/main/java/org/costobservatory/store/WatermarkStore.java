package org.costobservatory.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.ReportKind;

/** Per-report progress. The stored-through mark only moves forward and only over contiguous stored data. */
public interface WatermarkStore {

    Optional<Watermark> get(ReportKind report);

    /** Every report's watermark in one read (the headroom path needs both). */
    Map<ReportKind, Watermark> all();

    /**
     * Records that every bucket in {@code [from, to)} is stored. The mark moves to {@code to} when the range joins
     * on to what is already stored (or nothing is); a range beyond a gap leaves it where it is.
     *
     * @return the mark after the call
     */
    Instant advance(ReportKind report, Instant from, Instant to);

    /** Records a run that finished without error (for health checks), without moving the mark. */
    void recordSuccess(ReportKind report, Instant windowFrom, Instant windowTo, String runId, Instant finishedAt);
}
