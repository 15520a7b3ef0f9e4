package org.costobservatory.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import org.costobservatory.config.Json;
import org.costobservatory.log.Log;
import org.costobservatory.time.Deadline;

/**
 * The steps every ingest handler takes: parse the event, give the job the invocation's remaining time less a
 * margin, write the summary, and let failures propagate (logged once) so retries see them.
 */
public final class IngestInvocation {
    private static final Log LOG = Log.get(IngestInvocation.class);

    private IngestInvocation() {
    }

    public static void run(String report, IngestJob job, InputStream input, OutputStream output,
                           Duration remaining, Duration margin, Clock clock) throws IOException {
        IngestRequest request = IngestEvents.parse(input.readAllBytes());
        Deadline deadline = Deadline.after(clock, remaining.minus(margin));
        try {
            IngestSummary summary = job.run(request, deadline);
            Json.mapper().writeValue(output, summary);
        } catch (RuntimeException e) {
            LOG.error(report + " report run failed; it will be retried", e);
            throw e;
        }
    }
}
