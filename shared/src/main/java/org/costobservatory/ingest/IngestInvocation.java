package org.costobservatory.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.json.Json;
import org.costobservatory.log.Log;
import org.costobservatory.time.Deadline;

/**
 * What an ingest function does with one invocation, free of Lambda types: parse the event, give the job the
 * invocation's remaining time less a margin, write the summary, and let failures propagate (logged once) so
 * retries see them.
 */
public final class IngestInvocation {
    private static final Log LOG = Log.get(IngestInvocation.class);

    private final ReportKind report;
    private final IngestJob job;
    private final Clock clock;
    private final Duration margin;

    public IngestInvocation(ReportKind report, IngestJob job, Clock clock, Duration margin) {
        this.report = Objects.requireNonNull(report);
        this.job = Objects.requireNonNull(job);
        this.clock = Objects.requireNonNull(clock);
        this.margin = Objects.requireNonNull(margin);
    }

    /** @param remaining the invocation's remaining time (Lambda's {@code getRemainingTimeInMillis}) */
    public void handle(InputStream input, OutputStream output, Duration remaining) throws IOException {
        IngestRequest request = IngestEvents.parse(input.readAllBytes());
        Deadline deadline = Deadline.after(clock, remaining.minus(margin));
        try {
            IngestSummary summary = job.run(request, deadline);
            Json.mapper().writeValue(output, summary);
        } catch (RuntimeException e) {
            LOG.error(report.id() + " report run failed; it will be retried", e);
            throw e;
        }
    }
}
