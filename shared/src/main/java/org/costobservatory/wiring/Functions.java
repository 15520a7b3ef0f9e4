package org.costobservatory.wiring;

import java.util.Map;
import java.util.function.Consumer;
import org.costobservatory.api.ApiRouter;
import org.costobservatory.config.Config;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestInvocation;
import org.costobservatory.metrics.EmfMetrics;
import org.costobservatory.metrics.Metrics;

/**
 * What each Lambda handler's no-argument constructor builds: the real graph from the process environment, once per
 * container (and once per SnapStart snapshot), with CloudWatch metrics in embedded metric format on standard
 * output unless {@code METRICS_ENABLED} is false. The handlers themselves only adapt Lambda's types.
 */
public final class Functions {
    private Functions() {
    }

    /** The budget-check function: every route behind IAM authorization; a metric per headroom call. */
    public static ApiRouter budgetCheck() {
        return budgetCheck(System.getenv(), System.out::println);
    }

    /** As {@link #budgetCheck()}, from {@code env}, with each metric document given to {@code metricLines}. */
    public static ApiRouter budgetCheck(Map<String, String> env, Consumer<String> metricLines) {
        Config config = Config.fromEnv(env);
        return Components.builder(config).metrics(metrics(config, metricLines)).build().router(true);
    }

    /**
     * An ingest function. Fails at init when the admin key is not configured, and reads it once, here, so a bad key
     * shows at start-up rather than in the first run.
     */
    public static IngestInvocation ingest(ReportKind report) {
        return ingest(report, System.getenv(), System.out::println);
    }

    /** As {@link #ingest(ReportKind)}, from {@code env}, with each metric document given to {@code metricLines}. */
    public static IngestInvocation ingest(ReportKind report, Map<String, String> env, Consumer<String> metricLines) {
        Config config = Config.fromEnv(env);
        config.requireAdminKeySource();
        Components components = Components.builder(config).metrics(metrics(config, metricLines)).build();
        components.adminReports();
        return new IngestInvocation(report, components.ingestJob(report), components.clock(),
                config.deadlineMargin(), components.metrics(), components.watermarks());
    }

    /** EMF documents, unless the stack was deployed without operator metrics ({@code METRICS_ENABLED=false}). */
    private static Metrics metrics(Config config, Consumer<String> lines) {
        return config.metricsEnabled() ? new EmfMetrics(config.metricsNamespace(), lines).prime() : Metrics.NONE;
    }
}
