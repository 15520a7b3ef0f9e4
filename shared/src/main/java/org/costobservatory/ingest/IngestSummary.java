package org.costobservatory.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * What one ingest run did; returned by the functions and shown by the CLI.
 *
 * @param bucketsStored  days or hours whose rows this run made current
 * @param bucketsKept    days or hours left alone because a newer run had already stored them
 * @param missingBuckets buckets of the window the API did not return (the watermark stops before the first)
 */
public record IngestSummary(String report, @JsonProperty("run_id") String runId,
                            @JsonProperty("window_from") Instant windowFrom,
                            @JsonProperty("window_to") Instant windowTo, int pages,
                            @JsonProperty("buckets_stored") int bucketsStored,
                            @JsonProperty("buckets_kept") int bucketsKept,
                            @JsonProperty("rows_stored") long rowsStored,
                            @JsonProperty("missing_buckets") List<Instant> missingBuckets,
                            @JsonProperty("stored_through") Instant storedThrough,
                            @JsonProperty("alerts_sent") int alertsSent) {

    public IngestSummary withAlertsSent(int count) {
        return new IngestSummary(report, runId, windowFrom, windowTo, pages, bucketsStored, bucketsKept, rowsStored,
                missingBuckets, storedThrough, count);
    }
}
