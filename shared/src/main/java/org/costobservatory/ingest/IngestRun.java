package org.costobservatory.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.log.Log;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;

/**
 * The bookkeeping every ingest run shares, whatever the report: its identity (derived from the scheduled time, so a
 * retry writes the same items), progress, the gap-free stretch of stored buckets, the watermark after each page, and
 * the summary. A job only fetches pages and stores buckets.
 */
public final class IngestRun {
    private static final Log LOG = Log.get(IngestRun.class);

    private final ReportKind report;
    private final IngestWindow window;
    private final RunInfo run;
    private final WatermarkStore watermarks;
    private final IngestProgress listener;
    private final Clock clock;
    private final ContiguousProgress progress;
    private final int total;
    private int pages;
    private int stored;
    private int kept;
    private long rows;

    private IngestRun(ReportKind report, IngestWindow window, RunInfo run, WatermarkStore watermarks,
                      IngestProgress listener, Clock clock, Duration width) {
        this.report = report;
        this.window = window;
        this.run = run;
        this.watermarks = watermarks;
        this.listener = listener;
        this.clock = clock;
        this.progress = new ContiguousProgress(window, width);
        this.total = (int) (Duration.between(window.from(), window.to()).getSeconds() / width.getSeconds());
    }

    /** Starts a run of {@code report} over {@code window}; the request decides the run's identity. */
    public static IngestRun start(ReportKind report, IngestRequest request, IngestWindow window,
                                  WatermarkStore watermarks, IngestProgress listener, Clock clock, Duration width) {
        Instant now = clock.instant();
        RunInfo run = request instanceof IngestRequest.Scheduled scheduled
                ? RunInfo.scheduled(report, scheduled.scheduledTime(), now)
                : RunInfo.manual(report, now);
        LOG.info(report.id() + " report run started", "run_id", run.runId(), "window_from", window.from(),
                "window_to", window.to());
        IngestRun ingest = new IngestRun(report, window, run, watermarks, listener, clock, width);
        listener.update(report.id(), 0, ingest.total);
        return ingest;
    }

    public RunInfo info() {
        return run;
    }

    /** False when the API returned a bucket outside the window: it is ignored, not stored. */
    public boolean accept(Instant bucketStart) {
        if (progress.accept(bucketStart)) {
            return true;
        }
        LOG.warn(report.id() + " report returned a bucket outside the window; ignored", "bucket", bucketStart);
        return false;
    }

    /** Counts one bucket handled: made current ({@code stored}) or left to a newer run. */
    public void stored(boolean current, int rowCount) {
        if (current) {
            stored++;
            rows += rowCount;
        } else {
            kept++;
        }
        listener.update(report.id(), stored + kept, total);
    }

    /** After every page: the watermark moves over what is now stored without a gap. */
    public void pageDone(int pageNumber) {
        pages = pageNumber;
        watermarks.advance(report, window.from(), progress.contiguousEnd());
    }

    /** Records the successful run and returns its summary (alerts not yet evaluated). */
    public IngestSummary finish() {
        listener.update(report.id(), total, total);
        List<Instant> missing = progress.missingBuckets();
        if (!missing.isEmpty()) {
            LOG.warn(report.id() + " report did not return every bucket of the window; the watermark stops before "
                    + "the first", "missing", missing.stream().map(Instant::toString).toList());
        }
        watermarks.recordSuccess(report, window.from(), window.to(), run.runId(), clock.instant());
        Instant storedThrough = watermarks.get(report).map(Watermark::storedThrough).orElse(null);
        LOG.info(report.id() + " report run stored its window", "run_id", run.runId(), "buckets_stored", stored,
                "buckets_kept", kept, "rows", rows, "pages", pages, "stored_through", storedThrough);
        return new IngestSummary(report.id(), run.runId(), window.from(), window.to(), pages, stored, kept, rows,
                missing, storedThrough, 0, List.of());
    }
}
