package org.costobservatory.metrics;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * What the deployed stack tells CloudWatch about itself: each budget's spend after every ingest run, each ingest
 * run, and each headroom call. Recording a metric never changes or fails the work it describes. Local mode, the CLI
 * and most tests use {@link #NONE}; the Lambda functions use {@link EmfMetrics}.
 */
public interface Metrics {

    /** Records nothing. */
    Metrics NONE = new Metrics() {
        @Override
        public void budget(String budget, BigDecimal spentUsd, BigDecimal limitUsd, BigDecimal percentUsed,
                           Optional<BigDecimal> heldUsd) {
        }

        @Override
        public void ingestRun(String report, long rows, int buckets, Duration duration) {
        }

        @Override
        public void dataLag(Duration lag) {
        }

        @Override
        public void headroomCall(String decision, Duration latency) {
        }
    };

    /**
     * One budget's standing in its current period, as a headroom answer without an estimate gives it.
     *
     * @param heldUsd money held for runs that have started and not finished, where holds exist
     */
    void budget(String budget, BigDecimal spentUsd, BigDecimal limitUsd, BigDecimal percentUsed,
                Optional<BigDecimal> heldUsd);

    /** One ingest run that stored its window: rows and buckets (days or hours) made current, and how long it took. */
    void ingestRun(String report, long rows, int buckets, Duration duration);

    /** How old the newest stored usage is (now − the end of the newest stored usage hour). */
    void dataLag(Duration lag);

    /** One answered headroom call: its decision ({@code allow}, {@code warn}, {@code deny}) and how long it took. */
    void headroomCall(String decision, Duration latency);
}
