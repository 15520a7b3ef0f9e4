package org.costobservatory.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.costobservatory.log.HandledFailures;

/**
 * What one ingest run did; returned by the functions and shown by the CLI.
 *
 * @param bucketsStored  days or hours whose rows this run made current
 * @param bucketsKept    days or hours left alone because a newer run had already stored them
 * @param missingBuckets buckets of the window the API did not return (the watermark stops before the first)
 * @param failuresHandled failures this run handled by design instead of failing (ids of
 *                        {@link HandledFailures.Kind}, e.g. {@code workspace_names_refresh}); empty when none
 */
public record IngestSummary(String report, @JsonProperty("run_id") String runId,
                            @JsonProperty("window_from") Instant windowFrom,
                            @JsonProperty("window_to") Instant windowTo, int pages,
                            @JsonProperty("buckets_stored") int bucketsStored,
                            @JsonProperty("buckets_kept") int bucketsKept,
                            @JsonProperty("rows_stored") long rowsStored,
                            @JsonProperty("missing_buckets") List<Instant> missingBuckets,
                            @JsonProperty("stored_through") Instant storedThrough,
                            @JsonProperty("alerts_sent") int alertsSent,
                            @JsonProperty("failures_handled") List<String> failuresHandled) {

    public IngestSummary {
        failuresHandled = List.copyOf(failuresHandled);
    }

    public IngestSummary withAlertsSent(int count) {
        return new IngestSummary(report, runId, windowFrom, windowTo, pages, bucketsStored, bucketsKept, rowsStored,
                missingBuckets, storedThrough, count, failuresHandled);
    }

    public IngestSummary withFailureHandled(HandledFailures.Kind kind) {
        List<String> handled = new ArrayList<>(failuresHandled);
        handled.add(kind.id());
        return new IngestSummary(report, runId, windowFrom, windowTo, pages, bucketsStored, bucketsKept, rowsStored,
                missingBuckets, storedThrough, alertsSent, handled);
    }
}
