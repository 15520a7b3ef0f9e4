package org.costobservatory.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.costobservatory.anthropic.AdminApiException;
import org.costobservatory.anthropic.AdminReports;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.Workspace;
import org.costobservatory.log.Log;
import org.costobservatory.store.ApiKeyStore;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.store.WorkspaceStore;
import org.costobservatory.time.Deadline;

/**
 * Pulls the cost report for a run's window and stores it day by day. Each day replaces what was stored for it; the
 * watermark moves after every page, but only over days that are stored without a gap. Any failure propagates, so
 * Lambda's retries and the on-failure destination see it; what was stored before the failure stays valid.
 */
public final class CostReportJob {
    private static final Log LOG = Log.get(CostReportJob.class);

    private final AdminReports reports;
    private final ReportStore store;
    private final WatermarkStore watermarks;
    private final WorkspaceStore workspaces;
    private final ApiKeyStore apiKeys;
    private final AfterIngest afterIngest;
    private final Clock clock;
    private final int lookbackDays;

    public CostReportJob(AdminReports reports, ReportStore store, WatermarkStore watermarks,
                         WorkspaceStore workspaces, ApiKeyStore apiKeys, AfterIngest afterIngest, Clock clock,
                         int lookbackDays) {
        this.reports = Objects.requireNonNull(reports);
        this.store = Objects.requireNonNull(store);
        this.watermarks = Objects.requireNonNull(watermarks);
        this.workspaces = Objects.requireNonNull(workspaces);
        this.apiKeys = Objects.requireNonNull(apiKeys);
        this.afterIngest = Objects.requireNonNull(afterIngest);
        this.clock = Objects.requireNonNull(clock);
        this.lookbackDays = lookbackDays;
    }

    public IngestSummary run(IngestRequest request, Deadline deadline) {
        return run(request, deadline, IngestProgress.NONE);
    }

    public IngestSummary run(IngestRequest request, Deadline deadline, IngestProgress listener) {
        IngestWindow window = IngestWindow.cost(request, watermarks.get(ReportKind.COST), lookbackDays,
                clock.instant());
        IngestRun run = IngestRun.start(ReportKind.COST, request, window, watermarks, listener, clock,
                Duration.ofDays(1));
        if (!window.isEmpty()) {
            reports.costReport(window.firstDay(), window.endDay(), deadline, (days, page) -> {
                for (CostDay day : days) {
                    if (run.accept(day.date().atStartOfDay(ZoneOffset.UTC).toInstant())) {
                        run.stored(store.replaceCostDay(day, run.info()), day.rows().size());
                    }
                }
                run.pageDone(page);
            });
        }
        refreshNames(deadline);
        return run.finish().withAlertsSent(afterIngest.run());
    }

    /** Names are for display only, so a failure here is logged rather than failing a run whose data is stored. */
    private void refreshNames(Deadline deadline) {
        try {
            List<Workspace> listed = reports.workspaces(deadline);
            workspaces.putAll(listed);
        } catch (AdminApiException e) {
            LOG.warn("could not refresh workspace names; reports keep the names stored before",
                    "error_type", e.getClass().getSimpleName(), "error", e.getMessage());
        }
        try {
            List<ApiKey> listed = reports.apiKeys(deadline);
            apiKeys.putAll(listed);
        } catch (AdminApiException e) {
            LOG.warn("could not refresh API key names; reports keep the names stored before",
                    "error_type", e.getClass().getSimpleName(), "error", e.getMessage());
        }
    }

}
