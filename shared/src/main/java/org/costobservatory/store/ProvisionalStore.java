package org.costobservatory.store;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** Each settled day's provisional figure, as it was before the day settled (see {@link ProvisionalDay}). */
public interface ProvisionalStore {

    /**
     * Records {@code day} unless one is recorded already: the first figure is the one headroom said.
     *
     * @return true when this call recorded it
     */
    boolean record(ProvisionalDay day, RunInfo run);

    Optional<ProvisionalDay> day(LocalDate date);

    /** The recorded days of {@code from..toInclusive}, oldest first (one query). */
    List<ProvisionalDay> days(LocalDate from, LocalDate toInclusive);
}
