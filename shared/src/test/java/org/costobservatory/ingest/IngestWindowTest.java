package org.costobservatory.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.store.Watermark;
import org.junit.jupiter.api.Test;

class IngestWindowTest {
    private static final IngestRequest DAILY_RUN = new IngestRequest.Scheduled(Instant.parse("2026-11-24T02:30:00Z"));
    private static final IngestRequest HOURLY_RUN = new IngestRequest.Scheduled(Instant.parse("2026-11-24T10:10:00Z"));

    private static Optional<Watermark> mark(ReportKind report, String storedThrough) {
        return Optional.of(new Watermark(report, Instant.parse(storedThrough), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 1));
    }

    @Test
    void aCaughtUpDailyRunRePullsTheTrailingCompleteDays() {
        IngestWindow window = IngestWindow.cost(DAILY_RUN, mark(ReportKind.COST, "2026-11-23T00:00:00Z"), 3,
                Instant.parse("2026-11-24T02:30:05Z"));
        assertThat(window.firstDay()).isEqualTo(LocalDate.parse("2026-11-21"));
        assertThat(window.endDay()).isEqualTo(LocalDate.parse("2026-11-24"));
    }

    @Test
    void missedDaysAreCaughtUpFromTheWatermark() {
        IngestWindow window = IngestWindow.cost(DAILY_RUN, mark(ReportKind.COST, "2026-11-15T00:00:00Z"), 3,
                Instant.parse("2026-11-24T02:30:05Z"));
        assertThat(window.firstDay()).isEqualTo(LocalDate.parse("2026-11-15"));
    }

    @Test
    void theFirstRunStartsAtTheBeginningOfTheMonth() {
        IngestWindow window = IngestWindow.cost(DAILY_RUN, Optional.empty(), 3, Instant.parse("2026-11-24T02:31:00Z"));
        assertThat(window.firstDay()).isEqualTo(LocalDate.parse("2026-11-01"));
        // on the 1st, "the month" is the one that just ended
        IngestWindow first = IngestWindow.cost(new IngestRequest.Scheduled(Instant.parse("2026-12-01T02:30:00Z")),
                Optional.empty(), 3, Instant.parse("2026-12-01T02:31:00Z"));
        assertThat(first.firstDay()).isEqualTo(LocalDate.parse("2026-11-01"));
    }

    @Test
    void aRetriedInvocationDerivesTheSameWindowLaterInTheDay() {
        IngestWindow onTime = IngestWindow.cost(DAILY_RUN, mark(ReportKind.COST, "2026-11-23T00:00:00Z"), 3,
                Instant.parse("2026-11-24T02:30:05Z"));
        IngestWindow retried = IngestWindow.cost(DAILY_RUN, mark(ReportKind.COST, "2026-11-23T00:00:00Z"), 3,
                Instant.parse("2026-11-24T05:42:00Z"));
        assertThat(retried).isEqualTo(onTime);
    }

    @Test
    void aBackfillIsInclusiveAndNeverReachesIntoToday() {
        IngestWindow window = IngestWindow.cost(new IngestRequest.Backfill(LocalDate.parse("2026-11-01"),
                LocalDate.parse("2026-11-30")), Optional.empty(), 3, Instant.parse("2026-11-24T09:00:00Z"));
        assertThat(window.firstDay()).isEqualTo(LocalDate.parse("2026-11-01"));
        assertThat(window.endDay()).isEqualTo(LocalDate.parse("2026-11-24"));
        assertThatThrownBy(() -> IngestWindow.cost(new IngestRequest.Backfill(LocalDate.parse("2026-11-24"),
                LocalDate.parse("2026-11-24")), Optional.empty(), 3, Instant.parse("2026-11-24T09:00:00Z")))
                .hasMessageContaining("whole UTC days");
    }

    @Test
    void hourlyRunsPullCompleteHoursFromTheWatermarkOrTheLookback() {
        IngestWindow caughtUp = IngestWindow.usage(HOURLY_RUN, mark(ReportKind.USAGE, "2026-11-24T09:00:00Z"), 3,
                Instant.parse("2026-11-24T10:10:02Z"));
        assertThat(caughtUp.from()).isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
        assertThat(caughtUp.to()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
        IngestWindow behind = IngestWindow.usage(HOURLY_RUN, mark(ReportKind.USAGE, "2026-11-23T18:00:00Z"), 3,
                Instant.parse("2026-11-24T10:10:02Z"));
        assertThat(behind.from()).isEqualTo(Instant.parse("2026-11-23T18:00:00Z"));
    }

    @Test
    void eventsParseIntoRequestsAndBadOnesNameTheProblem() {
        assertThat(IngestEvents.parse("{\"scheduled_time\":\"2026-11-24T02:30:00Z\"}".getBytes()))
                .isEqualTo(new IngestRequest.Scheduled(Instant.parse("2026-11-24T02:30:00Z")));
        assertThat(IngestEvents.parse("{\"detail-type\":\"Scheduled Event\",\"time\":\"2026-11-24T02:30:00Z\"}"
                .getBytes())).isEqualTo(new IngestRequest.Scheduled(Instant.parse("2026-11-24T02:30:00Z")));
        assertThat(IngestEvents.parse("{\"from\":\"2026-11-01\",\"to\":\"2026-11-03\"}".getBytes()))
                .isEqualTo(new IngestRequest.Backfill(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-03")));
        assertThatThrownBy(() -> IngestEvents.parse("{\"from\":\"2026-11-01\"}".getBytes())).hasMessageContaining("'to'");
        assertThatThrownBy(() -> IngestEvents.parse("{\"from\":\"1 Nov\",\"to\":\"2026-11-03\"}".getBytes()))
                .hasMessageContaining("YYYY-MM-DD");
        assertThatThrownBy(() -> IngestEvents.parse("{\"from\":\"2026-11-05\",\"to\":\"2026-11-03\"}".getBytes()))
                .hasMessageContaining("before");
        assertThatThrownBy(() -> IngestEvents.parse("{}".getBytes())).hasMessageContaining("scheduled_time");
        assertThatThrownBy(() -> IngestEvents.parse("not json".getBytes())).hasMessageContaining("not valid JSON");
    }

    @Test
    void progressStopsAtTheFirstMissingBucket() {
        IngestWindow window = new IngestWindow(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-25T00:00:00Z"));
        ContiguousProgress progress = new ContiguousProgress(window, Duration.ofDays(1));
        assertThat(progress.accept(Instant.parse("2026-11-20T00:00:00Z"))).isTrue();
        assertThat(progress.accept(Instant.parse("2026-11-21T00:00:00Z"))).isTrue();
        assertThat(progress.accept(Instant.parse("2026-11-23T00:00:00Z"))).isTrue();    // the 22nd is missing
        assertThat(progress.accept(Instant.parse("2026-11-25T00:00:00Z"))).isFalse();   // outside the window
        assertThat(progress.contiguousEnd()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(progress.missingBuckets()).containsExactly(Instant.parse("2026-11-22T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"));
    }
}
