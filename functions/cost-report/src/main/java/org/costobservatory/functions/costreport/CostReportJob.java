package org.costobservatory.functions.costreport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.anthropic.AdminApiException;
import org.costobservatory.anthropic.AdminReports;
import org.costobservatory.config.Components;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.Workspace;
import org.costobservatory.ingest.AfterIngest;
import org.costobservatory.ingest.ContiguousProgress;
import org.costobservatory.ingest.IngestProgress;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.ingest.IngestWindow;
import org.costobservatory.log.Log;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.Watermark;
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
    private final AfterIngest afterIngest;
    private final Clock clock;
    private final int lookbackDays;

    public CostReportJob(AdminReports reports, ReportStore store, WatermarkStore watermarks,
                         WorkspaceStore workspaces, AfterIngest afterIngest, Clock clock, int lookbackDays) {
        this.reports = Objects.requireNonNull(reports);
        this.store = Objects.requireNonNull(store);
        this.watermarks = Objects.requireNonNull(watermarks);
        this.workspaces = Objects.requireNonNull(workspaces);
        this.afterIngest = Objects.requireNonNull(afterIngest);
        this.clock = Objects.requireNonNull(clock);
        this.lookbackDays = lookbackDays;
    }

    /** The job as every entry point builds it: Lambda, local mode and the CLI. */
    public static CostReportJob create(Components components) {
        return new CostReportJob(components.adminReports(), components.reports(), components.watermarks(),
                components.workspaces(), components.budgetAlerts(), components.clock(),
                components.config().costLookbackDays());
    }

    public IngestSummary run(IngestRequest request, Deadline deadline) {
        return run(request, deadline, IngestProgress.NONE);
    }

    public IngestSummary run(IngestRequest request, Deadline deadline, IngestProgress listener) {
        Instant startedAt = clock.instant();
        Optional<Watermark> watermark = watermarks.get(ReportKind.COST);
        IngestWindow window = IngestWindow.cost(request, watermark, lookbackDays, startedAt);
        RunInfo run = request instanceof IngestRequest.Scheduled scheduled
                ? RunInfo.scheduled(ReportKind.COST, scheduled.scheduledTime(), startedAt)
                : RunInfo.manual(ReportKind.COST, startedAt);
        LOG.info("cost report run started", "run_id", run.runId(), "window_from", window.from(),
                "window_to", window.to());

        Counters counters = new Counters();
        ContiguousProgress progress = new ContiguousProgress(window, Duration.ofDays(1));
        int total = (int) Duration.between(window.from(), window.to()).toDays();
        listener.update("cost", 0, total);
        if (!window.isEmpty()) {
            reports.costReport(window.firstDay(), window.endDay(), deadline, (days, page) -> {
                for (CostDay day : days) {
                    Instant dayStart = day.date().atStartOfDay(ZoneOffset.UTC).toInstant();
                    if (!progress.accept(dayStart)) {
                        LOG.warn("cost report returned a day outside the window; ignored", "date", day.date());
                        continue;
                    }
                    if (store.replaceCostDay(day, run)) {
                        counters.stored++;
                        counters.rows += day.rows().size();
                    } else {
                        counters.kept++;
                    }
                    listener.update("cost", counters.stored + counters.kept, total);
                }
                counters.pages = page;
                watermarks.advance(ReportKind.COST, window.from(), progress.contiguousEnd());
            });
        }
        listener.update("cost", total, total);
        refreshWorkspaceNames(deadline);
        List<Instant> missing = progress.missingBuckets();
        if (!missing.isEmpty()) {
            LOG.warn("cost report did not return every day of the window; the watermark stops before the first",
                    "missing_days", missing.stream().map(at -> at.atOffset(ZoneOffset.UTC).toLocalDate().toString())
                            .toList());
        }
        watermarks.recordSuccess(ReportKind.COST, window.from(), window.to(), run.runId(), clock.instant());
        Instant storedThrough = watermarks.get(ReportKind.COST).map(Watermark::storedThrough).orElse(null);
        IngestSummary summary = new IngestSummary("cost", run.runId(), window.from(), window.to(), counters.pages,
                counters.stored, counters.kept, counters.rows, missing, storedThrough, 0);
        LOG.info("cost report run stored its window", "run_id", run.runId(), "days_stored", counters.stored,
                "days_kept", counters.kept, "rows", counters.rows, "pages", counters.pages,
                "stored_through", storedThrough);
        return summary.withAlertsSent(afterIngest.run());
    }

    /** Names are for display only, so a failure here is logged rather than failing a run whose data is stored. */
    private void refreshWorkspaceNames(Deadline deadline) {
        try {
            List<Workspace> listed = reports.workspaces(deadline);
            workspaces.putAll(listed);
        } catch (AdminApiException e) {
            LOG.warn("could not refresh workspace names; reports keep the names stored before",
                    "error_type", e.getClass().getSimpleName(), "error", e.getMessage());
        }
    }

    private static final class Counters {
        int pages;
        int stored;
        int kept;
        long rows;
    }
}
