package org.costobservatory.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.costobservatory.domain.CostDay;
import org.costobservatory.pricing.PricedUsageRow;

/**
 * Stored report facts. Replacing a day or hour is all-or-nothing for readers: the new rows become visible together,
 * rows no longer reported disappear, and running the same replacement twice changes nothing. The per-day spend
 * rollups ({@link SpendStore}) are maintained as part of each replacement.
 */
public interface ReportStore {

    /**
     * Makes {@code day} the stored content of its UTC day unless a newer generation is already stored.
     *
     * @return true when this run's rows are now the stored ones (or already were)
     */
    boolean replaceCostDay(CostDay day, RunInfo run);

    /** Makes {@code rows} the stored content of the hour starting at {@code hourStart}, like {@link #replaceCostDay}. */
    boolean replaceUsageHour(Instant hourStart, List<PricedUsageRow> rows, RunInfo run);

    Optional<StoredCostDay> costDay(LocalDate date);

    Optional<StoredUsageHour> usageHour(Instant hourStart);

    /** Every stored hour starting in {@code [from, to)}, oldest first; hours with nothing stored are left out. */
    default List<StoredUsageHour> usageHours(Instant from, Instant to) {
        List<StoredUsageHour> hours = new java.util.ArrayList<>();
        for (Instant hour = from; hour.isBefore(to); hour = hour.plusSeconds(3600)) {
            usageHour(hour).ifPresent(hours::add);
        }
        return hours;
    }
}
