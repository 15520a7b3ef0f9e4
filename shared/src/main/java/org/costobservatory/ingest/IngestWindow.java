package org.costobservatory.ingest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.costobservatory.store.Watermark;

/**
 * The buckets one run pulls, {@code [from, to)}. Scheduled runs start at the watermark (so missed days or hours are
 * caught up) or at the trailing re-pull window, whichever is earlier, because the bill settles late. With no watermark
 * yet, a run starts at the beginning of the month so monthly budgets have their whole period.
 */
public record IngestWindow(Instant from, Instant to) {

    public boolean isEmpty() {
        return !to.isAfter(from);
    }

    public LocalDate firstDay() {
        return from.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    /** Exclusive end day (for the cost report, whose buckets are whole UTC days). */
    public LocalDate endDay() {
        return to.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    /** Cost report: complete UTC days only. */
    public static IngestWindow cost(IngestRequest request, Optional<Watermark> watermark, int lookbackDays,
                                    Instant now) {
        LocalDate today = day(now);
        if (request instanceof IngestRequest.Backfill backfill) {
            LocalDate end = min(backfill.to().plusDays(1), today);
            if (!end.isAfter(backfill.from())) {
                throw new IllegalArgumentException("nothing complete to pull: the cost report has whole UTC days "
                        + "only, and " + backfill.from() + " is not over yet (today is " + today + " UTC)");
            }
            return new IngestWindow(midnight(backfill.from()), midnight(end));
        }
        LocalDate end = min(day(((IngestRequest.Scheduled) request).scheduledTime()), today);
        LocalDate trailing = end.minusDays(lookbackDays);
        LocalDate start = watermark.map(w -> min(day(w.storedThrough()), trailing))
                .orElse(min(end.minusDays(1).withDayOfMonth(1), trailing));
        return new IngestWindow(midnight(start), midnight(end));
    }

    /** Usage report: complete UTC hours only. */
    public static IngestWindow usage(IngestRequest request, Optional<Watermark> watermark, int lookbackHours,
                                     Instant now) {
        Instant currentHour = now.truncatedTo(ChronoUnit.HOURS);
        if (request instanceof IngestRequest.Backfill backfill) {
            Instant start = midnight(backfill.from());
            Instant end = min(midnight(backfill.to().plusDays(1)), currentHour);
            if (!end.isAfter(start)) {
                throw new IllegalArgumentException("nothing complete to pull: no hour of " + backfill.from()
                        + " is over yet");
            }
            return new IngestWindow(start, end);
        }
        Instant end = min(((IngestRequest.Scheduled) request).scheduledTime().truncatedTo(ChronoUnit.HOURS),
                currentHour);
        Instant trailing = end.minus(Duration.ofHours(lookbackHours));
        Instant monthStart = midnight(day(end.minus(Duration.ofHours(1))).withDayOfMonth(1));
        Instant start = watermark.map(w -> min(w.storedThrough(), trailing)).orElse(min(monthStart, trailing));
        return new IngestWindow(start, end);
    }

    private static LocalDate day(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    private static Instant midnight(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
