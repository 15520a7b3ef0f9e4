package org.costobservatory.functions.costreport;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestInvocation;
import org.costobservatory.wiring.Functions;

/**
 * Scheduled daily (EventBridge Scheduler passes {@code {"scheduled_time": ...}}) or invoked by hand with
 * {@code {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}}. A failed run throws, so Lambda's retries and the on-failure
 * destination see it.
 */
public final class CostReportHandler implements RequestStreamHandler {
    private final IngestInvocation invocation;

    public CostReportHandler() {
        this(Functions.ingest(ReportKind.COST));
    }

    CostReportHandler(IngestInvocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        invocation.handle(input, output, Duration.ofMillis(context.getRemainingTimeInMillis()));
    }
}
