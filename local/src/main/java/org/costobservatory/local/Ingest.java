package org.costobservatory.local;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.CostReportJob;
import org.costobservatory.ingest.IngestProgress;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.ingest.UsageReportJob;
import org.costobservatory.time.Deadline;
import org.costobservatory.wiring.Components;

/**
 * The same cost and usage jobs the Lambdas run, one run at a time: manual pulls and the local schedule share one
 * lock, and the running pull's progress can be read from another thread.
 */
public final class Ingest {
    /** Progress of the pull under way. */
    public record Progress(String report, int done, int total, Instant startedAt) {
    }

    private final CostReportJob cost;
    private final UsageReportJob usage;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Progress current;

    public Ingest(Components components) {
        this(components.costReportJob(), components.usageReportJob(), components.clock());
    }

    Ingest(CostReportJob cost, UsageReportJob usage, Clock clock) {
        this.cost = Objects.requireNonNull(cost);
        this.usage = Objects.requireNonNull(usage);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Runs now, waiting for a run under way to finish first. */
    public IngestSummary run(ReportKind report, IngestRequest request, IngestProgress listener) {
        lock.lock();
        try {
            return runLocked(report, request, listener);
        } finally {
            lock.unlock();
        }
    }

    /** Runs now, or returns empty at once when another run holds the lock. */
    public Optional<IngestSummary> runIfIdle(ReportKind report, IngestRequest request, IngestProgress listener)
            throws InterruptedException {
        if (!lock.tryLock(0, TimeUnit.SECONDS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(runLocked(report, request, listener));
        } finally {
            lock.unlock();
        }
    }

    private IngestSummary runLocked(ReportKind report, IngestRequest request, IngestProgress listener) {
        Instant started = clock.instant();
        current = new Progress(report.id(), 0, 0, started);
        IngestProgress tracking = (name, done, total) -> {
            current = new Progress(name, done, total, started);
            listener.update(name, done, total);
        };
        try {
            Deadline deadline = Deadline.none(clock);
            return switch (report) {
                case COST -> cost.run(request, deadline, tracking);
                case USAGE -> usage.run(request, deadline, tracking);
            };
        } finally {
            current = null;
        }
    }

    public Optional<Progress> current() {
        return Optional.ofNullable(current);
    }
}
