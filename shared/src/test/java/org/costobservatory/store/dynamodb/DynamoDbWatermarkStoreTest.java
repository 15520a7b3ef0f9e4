package org.costobservatory.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.store.Watermark;
import org.costobservatory.testing.DynamoDbLocal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DynamoDbWatermarkStoreTest {
    private DynamoDbWatermarkStore watermarks;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        watermarks = new DynamoDbWatermarkStore(local.client(), local.newTable());
    }

    private static Instant day(String date) {
        return LocalDate.parse(date).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    }

    @Test
    void movesForwardOverContiguousRangesOnly() {
        // GIVEN nothing stored: the first range sets the mark
        assertThat(watermarks.advance(ReportKind.COST, day("2026-08-01"), day("2026-08-05"))).isEqualTo(day("2026-08-05"));
        // WHEN a range joins on, the mark moves
        assertThat(watermarks.advance(ReportKind.COST, day("2026-08-03"), day("2026-08-07"))).isEqualTo(day("2026-08-07"));
        // WHEN a range lies beyond a gap, the mark stays
        assertThat(watermarks.advance(ReportKind.COST, day("2026-08-09"), day("2026-08-12"))).isEqualTo(day("2026-08-07"));
        // WHEN a range ends before the mark, it never moves backwards
        assertThat(watermarks.advance(ReportKind.COST, day("2026-08-01"), day("2026-08-02"))).isEqualTo(day("2026-08-07"));

        Watermark mark = watermarks.get(ReportKind.COST).orElseThrow();
        assertThat(mark.settledThrough()).isEqualTo(LocalDate.parse("2026-08-06"));
        assertThat(mark.version()).isEqualTo(2);
        assertThat(watermarks.get(ReportKind.USAGE)).isEmpty();
        assertThat(watermarks.all()).containsOnlyKeys(ReportKind.COST).containsEntry(ReportKind.COST, mark);
    }

    @Test
    void recordsTheLastSuccessfulRunWithoutMovingTheMark() {
        watermarks.advance(ReportKind.USAGE, Instant.parse("2026-08-10T00:00:00Z"), Instant.parse("2026-08-10T05:00:00Z"));
        watermarks.recordSuccess(ReportKind.USAGE, Instant.parse("2026-08-10T02:00:00Z"),
                Instant.parse("2026-08-10T05:00:00Z"), "usage/2026-08-10T05:10:00Z", Instant.parse("2026-08-10T05:10:07Z"));

        Watermark mark = watermarks.get(ReportKind.USAGE).orElseThrow();
        assertThat(mark.storedThrough()).isEqualTo(Instant.parse("2026-08-10T05:00:00Z"));
        assertThat(mark.lastSuccessAt()).contains(Instant.parse("2026-08-10T05:10:07Z"));
        assertThat(mark.lastWindowFrom()).contains(Instant.parse("2026-08-10T02:00:00Z"));
        assertThat(mark.lastRunId()).contains("usage/2026-08-10T05:10:00Z");
    }
}
