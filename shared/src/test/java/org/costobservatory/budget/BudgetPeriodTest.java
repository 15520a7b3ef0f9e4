package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.PeriodWindow;
import org.junit.jupiter.api.Test;

class BudgetPeriodTest {
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void monthlyPeriodRunsFromTheFirstToTheFirstOfNextMonth() {
        PeriodWindow window = BudgetPeriod.MONTHLY.containing(Instant.parse("2026-11-24T10:00:00Z"), UTC);
        assertThat(window.startText()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(window.endText()).isEqualTo("2026-12-01T00:00:00Z");
    }

    @Test
    void monthRollsOverExactlyAtMidnightUtc() {
        assertThat(BudgetPeriod.MONTHLY.containing(Instant.parse("2026-11-30T23:59:59Z"), UTC).startText())
                .isEqualTo("2026-11-01T00:00:00Z");
        assertThat(BudgetPeriod.MONTHLY.containing(Instant.parse("2026-12-01T00:00:00Z"), UTC).startText())
                .isEqualTo("2026-12-01T00:00:00Z");
    }

    @Test
    void weeksStartOnMonday() {
        // 2026-11-29 is a Sunday: its week began Monday the 23rd
        PeriodWindow window = BudgetPeriod.WEEKLY.containing(Instant.parse("2026-11-29T23:00:00Z"), UTC);
        assertThat(window.startText()).isEqualTo("2026-11-23T00:00:00Z");
        assertThat(window.endText()).isEqualTo("2026-11-30T00:00:00Z");
        assertThat(BudgetPeriod.WEEKLY.containing(Instant.parse("2026-11-30T00:00:00Z"), UTC).startText())
                .isEqualTo("2026-11-30T00:00:00Z");
    }

    @Test
    void periodsFollowTheBudgetsTimeZone() {
        ZoneId newYork = ZoneId.of("America/New_York");
        // 03:00 UTC on Dec 1 is still Nov 30 in New York
        PeriodWindow window = BudgetPeriod.MONTHLY.containing(Instant.parse("2026-12-01T03:00:00Z"), newYork);
        assertThat(window.startText()).isEqualTo("2026-11-01T00:00:00-04:00");
        assertThat(window.endText()).isEqualTo("2026-12-01T00:00:00-05:00");
        assertThat(window.endInstant()).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
    }

    @Test
    void aDayWithADaylightSavingChangeIsTwentyFiveHoursLong() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        PeriodWindow window = BudgetPeriod.DAILY.containing(Instant.parse("2026-10-25T12:00:00Z"), berlin);
        assertThat(java.time.Duration.between(window.startInstant(), window.endInstant()).toHours()).isEqualTo(25);
    }

    @Test
    void aZoneWhoseMidnightIsSkippedStartsAtTheFirstValidInstant() {
        // Chile skipped from 00:00 to 01:00 on 2026-09-06
        ZoneId santiago = ZoneId.of("America/Santiago");
        PeriodWindow window = BudgetPeriod.DAILY.containing(Instant.parse("2026-09-06T12:00:00Z"), santiago);
        assertThat(window.start().getHour()).isEqualTo(1);
    }
}
