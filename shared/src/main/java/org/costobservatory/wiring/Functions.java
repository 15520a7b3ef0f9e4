package org.costobservatory.wiring;

import org.costobservatory.api.ApiRouter;
import org.costobservatory.config.Config;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestInvocation;

/**
 * What each Lambda handler's no-argument constructor builds: the real graph from the process environment, once per
 * container (and once per SnapStart snapshot). The handlers themselves only adapt Lambda's types.
 */
public final class Functions {
    private Functions() {
    }

    /** The budget-check function: every route behind IAM authorization. */
    public static ApiRouter budgetCheck() {
        return Components.create(Config.fromEnv()).router(true);
    }

    /**
     * An ingest function. Fails at init when the admin key is not configured, and reads it once, here, so a bad key
     * shows at start-up rather than in the first run.
     */
    public static IngestInvocation ingest(ReportKind report) {
        Config config = Config.fromEnv();
        config.requireAdminKeySource();
        Components components = Components.create(config);
        components.adminReports();
        return new IngestInvocation(report, components.ingestJob(report), components.clock(),
                config.deadlineMargin());
    }
}
