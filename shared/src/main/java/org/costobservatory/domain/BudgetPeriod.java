package org.costobservatory.domain;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;

/** How often a budget resets. Weeks start on Monday. Periods start at local midnight in the budget's time zone. */
public enum BudgetPeriod {
    DAILY("daily"), WEEKLY("weekly"), MONTHLY("monthly");

    private final String id;

    BudgetPeriod(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static BudgetPeriod fromId(String id) {
        for (BudgetPeriod period : values()) {
            if (period.id.equals(id)) {
                return period;
            }
        }
        throw new IllegalArgumentException("must be daily, weekly or monthly");
    }

    /** The period that contains {@code now} in {@code zone}. */
    public PeriodWindow containing(Instant now, ZoneId zone) {
        LocalDate today = now.atZone(zone).toLocalDate();
        LocalDate first = switch (this) {
            case DAILY -> today;
            case WEEKLY -> today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> today.withDayOfMonth(1);
        };
        LocalDate next = switch (this) {
            case DAILY -> first.plusDays(1);
            case WEEKLY -> first.plusWeeks(1);
            case MONTHLY -> first.plusMonths(1);
        };
        // atStartOfDay handles zones whose midnight falls in a daylight-saving gap.
        ZonedDateTime start = first.atStartOfDay(zone);
        ZonedDateTime end = next.atStartOfDay(zone);
        return new PeriodWindow(start, end);
    }
}
