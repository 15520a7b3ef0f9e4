package org.costobservatory.ingest;

import java.time.LocalDate;
import java.util.List;

/** Work that follows each cost-report run, given the days it stored: the drift notices. Returns how many it sent. */
@FunctionalInterface
public interface AfterSettle {
    AfterSettle NOTHING = days -> 0;

    int run(List<LocalDate> storedDays);
}
