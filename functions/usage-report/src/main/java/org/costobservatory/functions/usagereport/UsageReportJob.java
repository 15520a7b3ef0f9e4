package org.costobservatory.functions.usagereport;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.anthropic.AdminReports;
import org.costobservatory.anthropic.BucketWidth;
import org.costobservatory.anthropic.UsageReportQuery;
import org.costobservatory.config.Components;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.ingest.AfterIngest;
import org.costobservatory.ingest.ContiguousProgress;
import org.costobservatory.ingest.IngestProgress;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.ingest.IngestWindow;
import org.costobservatory.log.Log;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.time.Deadline;

/**
 * Pulls the hourly usage report for a run's window, prices every line at list price and stores it hour by hour.
 * Same replace and watermark rules as the cost run.
 */
public final class UsageReportJob {
    private static final Log LOG = Log.get(UsageReportJob.class);

    private final AdminReports reports;
    private final ReportStore store;
    private final WatermarkStore watermarks;
    private final UsagePricer pricer;
    private final AfterIngest afterIngest;
    private final Clock clock;
    private final int lookbackHours;
    private final int pageHours;

    public UsageReportJob(AdminReports reports, ReportStore store, WatermarkStore watermarks, UsagePricer pricer,
                          AfterIngest afterIngest, Clock clock, int lookbackHours, int pageHours) {
        this.reports = Objects.requireNonNull(reports);
        this.store = Objects.requireNonNull(store);
        this.watermarks = Objects.requireNonNull(watermarks);
        this.pricer = Objects.requireNonNull(pricer);
        this.afterIngest = Objects.requireNonNull(afterIngest);
        this.clock = Objects.requireNonNull(clock);
        this.lookbackHours = lookbackHours;
        this.pageHours = pageHours;
    }

    /** The job as every entry point builds it: Lambda, local mode and the CLI. */
    public static UsageReportJob create(Components components) {
        return new UsageReportJob(components.adminReports(), components.reports(), components.watermarks(),
                components.pricer(), components.budgetAlerts(), components.clock(),
                components.config().usageLookbackHours(), components.config().usagePageHours());
    }

    public IngestSummary run(IngestRequest request, Deadline deadline) {
        return run(request, deadline, IngestProgress.NONE);
    }

    public IngestSummary run(IngestRequest request, Deadline deadline, IngestProgress listener) {
        Instant startedAt = clock.instant();
        Optional<Watermark> watermark = watermarks.get(ReportKind.USAGE);
        IngestWindow window = IngestWindow.usage(request, watermark, lookbackHours, startedAt);
        RunInfo run = request instanceof IngestRequest.Scheduled scheduled
                ? RunInfo.scheduled(ReportKind.USAGE, scheduled.scheduledTime(), startedAt)
                : RunInfo.manual(ReportKind.USAGE, startedAt);
        LOG.info("usage report run started", "run_id", run.runId(), "window_from", window.from(),
                "window_to", window.to());

        int[] counts = new int[3];   // pages, hours stored, hours kept
        long[] rows = new long[1];
        ContiguousProgress progress = new ContiguousProgress(window, BucketWidth.HOUR.length());
        int total = (int) java.time.Duration.between(window.from(), window.to()).toHours();
        listener.update("usage", 0, total);
        if (!window.isEmpty()) {
            UsageReportQuery query = UsageReportQuery.hourly(window.from(), window.to()).withLimit(pageHours);
            reports.usageReport(query, deadline, (buckets, page) -> {
                for (UsageBucket bucket : buckets) {
                    if (!progress.accept(bucket.start())) {
                        LOG.warn("usage report returned an hour outside the window; ignored", "hour", bucket.start());
                        continue;
                    }
                    List<PricedUsageRow> priced = new ArrayList<>(bucket.rows().size());
                    for (UsageRow row : bucket.rows()) {
                        priced.add(new PricedUsageRow(row, pricer.price(row)));
                    }
                    if (store.replaceUsageHour(bucket.start(), priced, run)) {
                        counts[1]++;
                        rows[0] += priced.size();
                    } else {
                        counts[2]++;
                    }
                    listener.update("usage", counts[1] + counts[2], total);
                }
                counts[0] = page;
                watermarks.advance(ReportKind.USAGE, window.from(), progress.contiguousEnd());
            });
        }
        listener.update("usage", total, total);
        List<Instant> missing = progress.missingBuckets();
        if (!missing.isEmpty()) {
            LOG.warn("usage report did not return every hour of the window; the watermark stops before the first",
                    "missing_hours", missing.stream().map(Instant::toString).toList());
        }
        watermarks.recordSuccess(ReportKind.USAGE, window.from(), window.to(), run.runId(), clock.instant());
        Instant storedThrough = watermarks.get(ReportKind.USAGE).map(Watermark::storedThrough).orElse(null);
        IngestSummary summary = new IngestSummary("usage", run.runId(), window.from(), window.to(), counts[0],
                counts[1], counts[2], rows[0], missing, storedThrough, 0);
        LOG.info("usage report run stored its window", "run_id", run.runId(), "hours_stored", counts[1],
                "hours_kept", counts[2], "rows", rows[0], "pages", counts[0], "stored_through", storedThrough);
        return summary.withAlertsSent(afterIngest.run());
    }
}
