package org.costobservatory.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.costobservatory.domain.ReportKind;

/**
 * How far a report is stored without gaps, and what its last successful run did.
 *
 * @param storedThrough   exclusive end: every bucket before it is stored (a UTC midnight for the cost report)
 * @param lastSuccessAt   when the last run that finished without error ended
 * @param lastWindowFrom  that run's window, inclusive start
 * @param lastWindowTo    that run's window, exclusive end
 * @param lastRunId       that run's id
 * @param version         optimistic-lock counter
 */
public record Watermark(ReportKind report, Instant storedThrough, Optional<Instant> lastSuccessAt,
                        Optional<Instant> lastWindowFrom, Optional<Instant> lastWindowTo, Optional<String> lastRunId,
                        long version) {

    /** For the cost report: the last complete UTC day stored. */
    public LocalDate settledThrough() {
        return storedThrough.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1);
    }
}
