package org.costobservatory.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestProgress;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.log.Log;

/**
 * The deployed schedules, on one machine: cost daily at 02:30 UTC, usage hourly at minute 10. Each run is given its
 * scheduled time, exactly as EventBridge Scheduler does, so the same windows are pulled.
 */
final class LocalSchedule implements AutoCloseable {
    private static final Log LOG = Log.get(LocalSchedule.class);

    private final Ingest ingest;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "schedule");
        thread.setDaemon(true);
        return thread;
    });

    LocalSchedule(Ingest ingest, Clock clock) {
        this.ingest = ingest;
        this.clock = clock;
    }

    void start() {
        schedule(ReportKind.COST, nextDaily(clock.instant()));
        schedule(ReportKind.USAGE, nextHourly(clock.instant()));
    }

    static Instant nextDaily(Instant now) {
        ZonedDateTime today = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).plusHours(2).plusMinutes(30);
        return (today.toInstant().isAfter(now) ? today : today.plusDays(1)).toInstant();
    }

    static Instant nextHourly(Instant now) {
        Instant thisHour = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(10));
        return thisHour.isAfter(now) ? thisHour : thisHour.plus(Duration.ofHours(1));
    }

    private void schedule(ReportKind report, Instant at) {
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        timer.schedule(() -> {
            try {
                IngestSummary summary = ingest.run(report, new IngestRequest.Scheduled(at), IngestProgress.NONE);
                LOG.info("scheduled run finished", "report", report.id(), "scheduled_time", at,
                        "buckets_stored", summary.bucketsStored(), "alerts_sent", summary.alertsSent());
            } catch (RuntimeException e) {
                LOG.error("scheduled run failed; the next run catches up", e, "report", report.id(), "scheduled_time", at);
            } finally {
                schedule(report, report == ReportKind.COST ? nextDaily(clock.instant()) : nextHourly(clock.instant()));
            }
        }, delay, TimeUnit.MILLISECONDS);
        LOG.info("next scheduled run", "report", report.id(), "at", at);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
