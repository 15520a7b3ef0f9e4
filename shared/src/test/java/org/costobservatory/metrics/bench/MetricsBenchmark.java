package org.costobservatory.metrics.bench;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.costobservatory.json.Json;
import org.costobservatory.metrics.EmfMetrics;

/**
 * What the metrics library adds to a function's cold start, and what a metric costs afterwards. Run in a fresh JVM
 * (scripts/bench-metrics.sh starts several): Jackson is warmed first, as the functions already use it before their
 * first metric; then the writer is made and primed as the functions do at init (or not, with a last argument
 * {@code unprimed}); then the first EMF document of each kind is timed, then many more. A measurement, not a test.
 */
public final class MetricsBenchmark {
    private MetricsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        // The functions serialise JSON (logs, answers) before any metric: that class loading is theirs, not EMF's.
        Json.mapper().writeValueAsString(Map.of("warm", BigDecimal.ONE, "at", java.time.Instant.now()));

        AtomicLong bytes = new AtomicLong();
        long init = System.nanoTime();
        EmfMetrics metrics = new EmfMetrics("CostObservatory/bench", line -> bytes.addAndGet(line.length()));
        if (!args[args.length - 1].equals("unprimed")) {
            metrics.prime();
        }
        long start = System.nanoTime();
        metrics.headroomCall("allow", Duration.ofMillis(12));
        long firstCall = System.nanoTime();
        metrics.budget("org-monthly", new BigDecimal("8300.26"), new BigDecimal("10000"), new BigDecimal("83.00"),
                Optional.empty());
        metrics.ingestRun("usage", 1200, 3, Duration.ofSeconds(4));
        metrics.dataLag(Duration.ofMinutes(70));
        long firstOfEach = System.nanoTime();

        for (int i = 0; i < calls; i++) {
            metrics.headroomCall(i % 3 == 0 ? "warn" : "allow", Duration.ofMillis(i % 50));
        }
        long warm = System.nanoTime();
        System.out.printf(Locale.ROOT, "init %.1f ms; first headroom metric %.1f ms, first of every kind %.1f ms; then "
                        + "%.1f µs per headroom call (%d calls, %d bytes written)%n", (start - init) / 1e6,
                (firstCall - start) / 1e6, (firstOfEach - start) / 1e6, (warm - firstOfEach) / 1e3 / calls, calls,
                bytes.get());
    }
}
