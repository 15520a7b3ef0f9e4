package org.costobservatory.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.anthropic.AdminApiException;
import org.costobservatory.anthropic.AdminReports;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.Workspace;
import org.costobservatory.log.HandledFailures;
import org.costobservatory.log.Log;
import org.costobservatory.pricing.Calibration;
import org.costobservatory.store.ApiKeyStore;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.store.WorkspaceStore;
import org.costobservatory.time.Deadline;

/**
 * Pulls the cost report for a run's window and stores it day by day. Each day replaces what was stored for it; the
 * watermark moves after every page, but only over days that are stored without a gap. Before a day settles, what
 * headroom said of it is kept; after the pages, prices are learned from the settled days and the unsettled hours
 * re-priced ({@link PriceCalibration}), then drift notices and budget thresholds are evaluated. Any failure
 * propagates, so Lambda's retries and the on-failure destination see it; what was stored before the failure stays
 * valid, and a retry repeats each step without doubling anything.
 */
public final class CostReportJob {
    private static final Log LOG = Log.get(CostReportJob.class);

    private final AdminReports reports;
    private final ReportStore store;
    private final WatermarkStore watermarks;
    private final WorkspaceStore workspaces;
    private final ApiKeyStore apiKeys;
    private final PriceCalibration calibration;
    private final AfterSettle afterSettle;
    private final AfterIngest afterIngest;
    private final Clock clock;
    private final int lookbackDays;

    public CostReportJob(AdminReports reports, ReportStore store, WatermarkStore watermarks,
                         WorkspaceStore workspaces, ApiKeyStore apiKeys, PriceCalibration calibration,
                         AfterSettle afterSettle, AfterIngest afterIngest, Clock clock, int lookbackDays) {
        this.reports = Objects.requireNonNull(reports);
        this.store = Objects.requireNonNull(store);
        this.watermarks = Objects.requireNonNull(watermarks);
        this.workspaces = Objects.requireNonNull(workspaces);
        this.apiKeys = Objects.requireNonNull(apiKeys);
        this.calibration = Objects.requireNonNull(calibration);
        this.afterSettle = Objects.requireNonNull(afterSettle);
        this.afterIngest = Objects.requireNonNull(afterIngest);
        this.clock = Objects.requireNonNull(clock);
        this.lookbackDays = lookbackDays;
    }

    public IngestSummary run(IngestRequest request, Deadline deadline) {
        return run(request, deadline, IngestProgress.NONE);
    }

    public IngestSummary run(IngestRequest request, Deadline deadline, IngestProgress listener) {
        Optional<Watermark> before = watermarks.get(ReportKind.COST);
        IngestWindow window = IngestWindow.cost(request, before, lookbackDays, clock.instant());
        IngestRun run = IngestRun.start(ReportKind.COST, request, window, watermarks, listener, clock,
                Duration.ofDays(1));
        List<LocalDate> storedDays = new ArrayList<>();
        if (!window.isEmpty()) {
            Optional<LocalDate> settledBefore = before.map(Watermark::settledThrough);
            Optional<Instant> usageStoredThrough = watermarks.get(ReportKind.USAGE).map(Watermark::storedThrough);
            Calibration inForce = calibration.current();
            reports.costReport(window.firstDay(), window.endDay(), deadline, (days, page) -> {
                for (CostDay day : days) {
                    if (run.accept(day.date().atStartOfDay(ZoneOffset.UTC).toInstant())) {
                        calibration.recordBeforeSettle(day.date(), settledBefore, usageStoredThrough, inForce,
                                run.info());
                        run.stored(store.replaceCostDay(day, run.info()), day.rows().size());
                        storedDays.add(day.date());
                    }
                }
                run.pageDone(page);
            });
        }
        boolean namesRefreshed = refreshWorkspaceNames(deadline);
        boolean keysRefreshed = refreshKeyWorkspaces(deadline);
        calibration.learnAndReprice(run.info());
        IngestSummary summary = run.finish();
        if (!namesRefreshed) {
            summary = summary.withFailureHandled(HandledFailures.Kind.WORKSPACE_NAMES_REFRESH);
        }
        if (!keysRefreshed) {
            summary = summary.withFailureHandled(HandledFailures.Kind.API_KEYS_REFRESH);
        }
        RuntimeException noticeFailure = null;
        try {
            afterSettle.run(storedDays);
        } catch (RuntimeException e) {
            LOG.error("could not send a drift notice; the next run retries it", e);
            noticeFailure = e;
        }
        int alerts = afterIngest.run();
        if (noticeFailure != null) {
            throw noticeFailure;
        }
        return summary.withAlertsSent(alerts);
    }

    /**
     * Names are for display only, so a failure here is handled by design rather than failing a run whose data is
     * stored: it is logged, counted ({@link HandledFailures}) and named in the run's summary.
     *
     * @return whether the names were refreshed
     */
    private boolean refreshWorkspaceNames(Deadline deadline) {
        try {
            List<Workspace> listed = reports.workspaces(deadline);
            workspaces.putAll(listed);
            return true;
        } catch (AdminApiException e) {
            long count = HandledFailures.record(HandledFailures.Kind.WORKSPACE_NAMES_REFRESH);
            LOG.warn("could not refresh workspace names; reports keep the names stored before",
                    "error_type", e.getClass().getSimpleName(), "error", e.getMessage(),
                    "failure_handled", HandledFailures.Kind.WORKSPACE_NAMES_REFRESH.id(), "handled_so_far", count);
            return false;
        }
    }

    /**
     * Each key's name (for reports and the dashboard) and workspace (so a headroom check for a key that has no usage
     * yet still finds its workspace's budgets). A failure is handled by design like the names above: the keys stored
     * before stay, and keys with usage are placed by their usage.
     *
     * @return whether the keys were refreshed
     */
    private boolean refreshKeyWorkspaces(Deadline deadline) {
        try {
            apiKeys.putAll(reports.apiKeys(deadline));
            return true;
        } catch (AdminApiException e) {
            long count = HandledFailures.record(HandledFailures.Kind.API_KEYS_REFRESH);
            LOG.warn("could not refresh the API keys (names, workspaces); the ones stored before stay",
                    "error_type", e.getClass().getSimpleName(), "error", e.getMessage(),
                    "failure_handled", HandledFailures.Kind.API_KEYS_REFRESH.id(), "handled_so_far", count);
            return false;
        }
    }
}
