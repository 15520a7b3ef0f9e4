package org.costobservatory.functions.usagereport;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import org.costobservatory.config.Components;
import org.costobservatory.config.Config;
import org.costobservatory.ingest.IngestInvocation;
import org.costobservatory.ingest.IngestJob;

/**
 * Scheduled hourly (EventBridge Scheduler passes {@code {"scheduled_time": ...}}) or invoked by hand with
 * {@code {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}}. A failed run throws, so Lambda's retries and the on-failure
 * destination see it.
 */
public final class UsageReportHandler implements RequestStreamHandler {
    private final IngestJob job;
    private final Clock clock;
    private final Duration margin;

    public UsageReportHandler() {
        this(initialise(Config.fromEnv()));
    }

    private UsageReportHandler(Components components) {
        this(UsageReportJob.create(components)::run, components.clock(), components.config().deadlineMargin());
    }

    public UsageReportHandler(IngestJob job, Clock clock, Duration margin) {
        this.job = job;
        this.clock = clock;
        this.margin = margin;
    }

    /** Fails at init when the admin key is not configured, and reads it once, here. */
    private static Components initialise(Config config) {
        config.requireAdminKeySource();
        Components components = Components.create(config);
        components.adminReports();
        return components;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        IngestInvocation.run("usage", job, input, output, Duration.ofMillis(context.getRemainingTimeInMillis()),
                margin, clock);
    }
}
