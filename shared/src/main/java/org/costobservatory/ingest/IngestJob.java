package org.costobservatory.ingest;

import org.costobservatory.time.Deadline;

/** One ingest run of a report, as the Lambda handlers, the local scheduler and the CLI invoke it. */
@FunctionalInterface
public interface IngestJob {
    IngestSummary run(IngestRequest request, Deadline deadline);
}
