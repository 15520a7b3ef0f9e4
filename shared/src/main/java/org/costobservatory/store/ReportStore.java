package org.costobservatory.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.SpendScope;
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

    /**
     * Re-prices one scope's rollup of a stored hour (its rows are not rewritten: they keep their list price), provided
     * the hour is still the {@code generation} given, so a newer run's figures are never overwritten.
     *
     * @return true when it was written
     */
    boolean repriceHour(SpendScope scope, Instant hourStart, String generation, Map<String, HourSpend> byModel);

    Optional<StoredCostDay> costDay(LocalDate date);

    Optional<StoredUsageHour> usageHour(Instant hourStart);

    /** The stored hours of one UTC day, in hour order (hours with nothing stored left out), read a few at a time. */
    List<StoredUsageHour> usageDay(LocalDate date);

    /** Every stored hour starting in {@code [from, to)}, oldest first; hours with nothing stored are left out. */
    default List<StoredUsageHour> usageHours(Instant from, Instant to) {
        List<StoredUsageHour> hours = new java.util.ArrayList<>();
        for (Instant hour = from; hour.isBefore(to); hour = hour.plusSeconds(3600)) {
            usageHour(hour).ifPresent(hours::add);
        }
        return hours;
    }
}
