package org.costobservatory.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.json.Json;
import org.costobservatory.log.Log;
import org.costobservatory.metrics.Metrics;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.time.Deadline;

/**
 * What an ingest function does with one invocation, free of Lambda types: parse the event, give the job the
 * invocation's remaining time less a margin, write the summary, and let failures propagate (logged once) so
 * retries see them. Each run records its rows, buckets and duration, and every run, failed ones too, how old the
 * newest stored usage is.
 */
public final class IngestInvocation {
    private static final Log LOG = Log.get(IngestInvocation.class);

    private final ReportKind report;
    private final IngestJob job;
    private final Clock clock;
    private final Duration margin;
    private final Metrics metrics;
    private final WatermarkStore watermarks;

    /** Without metrics. */
    public IngestInvocation(ReportKind report, IngestJob job, Clock clock, Duration margin) {
        this(report, job, clock, margin, Metrics.NONE, null);
    }

    /** @param watermarks where the newest stored usage is read for the data-lag metric (unused with no metrics) */
    public IngestInvocation(ReportKind report, IngestJob job, Clock clock, Duration margin, Metrics metrics,
                            WatermarkStore watermarks) {
        this.report = Objects.requireNonNull(report);
        this.job = Objects.requireNonNull(job);
        this.clock = Objects.requireNonNull(clock);
        this.margin = Objects.requireNonNull(margin);
        this.metrics = Objects.requireNonNull(metrics);
        this.watermarks = metrics == Metrics.NONE ? watermarks : Objects.requireNonNull(watermarks);
    }

    /** @param remaining the invocation's remaining time (Lambda's {@code getRemainingTimeInMillis}) */
    public void handle(InputStream input, OutputStream output, Duration remaining) throws IOException {
        IngestRequest request = IngestEvents.parse(input.readAllBytes());
        Deadline deadline = Deadline.after(clock, remaining.minus(margin));
        Instant started = clock.instant();
        try {
            IngestSummary summary = job.run(request, deadline);
            metrics.ingestRun(report.id(), summary.rowsStored(), summary.bucketsStored(),
                    Duration.between(started, clock.instant()));
            Json.mapper().writeValue(output, summary);
        } catch (RuntimeException e) {
            LOG.error(report.id() + " report run failed; it will be retried", e);
            throw e;
        } finally {
            recordDataLag();
        }
    }

    /** After every run, failed or not, so a stack whose runs all fail still shows its data getting older. */
    private void recordDataLag() {
        if (metrics == Metrics.NONE) {
            return;
        }
        Optional<Instant> newest;
        try {
            newest = watermarks.get(ReportKind.USAGE).map(Watermark::storedThrough);
        } catch (RuntimeException e) {
            LOG.warn("could not read the usage watermark for the data-lag metric", "error_type",
                    e.getClass().getSimpleName(), "error", e.getMessage());
            return;
        }
        newest.ifPresent(storedThrough -> metrics.dataLag(Duration.between(storedThrough, clock.instant())));
    }
}
