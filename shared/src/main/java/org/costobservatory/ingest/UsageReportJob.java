package org.costobservatory.ingest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.costobservatory.anthropic.AdminReports;
import org.costobservatory.anthropic.BucketWidth;
import org.costobservatory.anthropic.UsageReportQuery;
import org.costobservatory.budget.SpendRollups;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.Calibration;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.CalibrationStore;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.time.Deadline;

/**
 * Pulls the hourly usage report for a run's window, prices every line (at list price, and as provisionally estimated
 * with the prices learned from the bill, read once at the start of the run) and stores it hour by hour. Same replace
 * and watermark rules as the cost run.
 */
public final class UsageReportJob {
    private final AdminReports reports;
    private final ReportStore store;
    private final WatermarkStore watermarks;
    private final UsagePricer pricer;
    private final CalibrationStore calibrations;
    private final AfterIngest afterIngest;
    private final Clock clock;
    private final int lookbackHours;
    private final int pageHours;

    public UsageReportJob(AdminReports reports, ReportStore store, WatermarkStore watermarks, UsagePricer pricer,
                          CalibrationStore calibrations, AfterIngest afterIngest, Clock clock, int lookbackHours,
                          int pageHours) {
        this.reports = Objects.requireNonNull(reports);
        this.store = Objects.requireNonNull(store);
        this.watermarks = Objects.requireNonNull(watermarks);
        this.pricer = Objects.requireNonNull(pricer);
        this.calibrations = Objects.requireNonNull(calibrations);
        this.afterIngest = Objects.requireNonNull(afterIngest);
        this.clock = Objects.requireNonNull(clock);
        this.lookbackHours = lookbackHours;
        this.pageHours = pageHours;
    }

    public IngestSummary run(IngestRequest request, Deadline deadline) {
        return run(request, deadline, IngestProgress.NONE);
    }

    public IngestSummary run(IngestRequest request, Deadline deadline, IngestProgress listener) {
        IngestWindow window = IngestWindow.usage(request, watermarks.get(ReportKind.USAGE), lookbackHours,
                clock.instant());
        IngestRun run = IngestRun.start(ReportKind.USAGE, request, window, watermarks, listener, clock,
                BucketWidth.HOUR.length());
        if (!window.isEmpty()) {
            Calibration calibration = calibrations.current();
            UsageReportQuery query = UsageReportQuery.hourly(window.from(), window.to()).withLimit(pageHours);
            reports.usageReport(query, deadline, (buckets, page) -> {
                for (UsageBucket bucket : buckets) {
                    if (run.accept(bucket.start())) {
                        List<PricedUsageRow> priced = new ArrayList<>(bucket.rows().size());
                        for (UsageRow row : bucket.rows()) {
                            priced.add(new PricedUsageRow(row, SpendRollups.estimate(pricer, row, calibration)));
                        }
                        run.stored(store.replaceUsageHour(bucket.start(), priced, run.info()), priced.size());
                    }
                }
                run.pageDone(page);
            });
        }
        return run.finish().withAlertsSent(afterIngest.run());
    }
}
