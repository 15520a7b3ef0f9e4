package org.costobservatory.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** The anomaly evaluation of each settled UTC day: one record per day, replaced when the day is evaluated again. */
public interface AnomalyStore {

    /** A day's evaluation: what was anomalous (possibly nothing), when it was evaluated, against which floor. */
    record AnomalyDay(LocalDate date, Instant evaluatedAt, java.math.BigDecimal floorUsd, List<Anomaly> anomalies) {
        public AnomalyDay {
            anomalies = List.copyOf(anomalies);
        }
    }

    /** Stores {@code day}'s evaluation, replacing an earlier one of the same day. */
    void put(AnomalyDay day);

    /** The evaluated days in {@code from..toInclusive}, oldest first; one Query. */
    List<AnomalyDay> days(LocalDate from, LocalDate toInclusive);
}
