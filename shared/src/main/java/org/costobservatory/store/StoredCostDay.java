package org.costobservatory.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.costobservatory.domain.CostRow;

/** A stored day of the cost report with its run metadata. */
public record StoredCostDay(LocalDate date, List<CostRow> rows, BigDecimal totalCents, String generation, String runId,
                            Instant fetchedAt) {
    public StoredCostDay {
        rows = List.copyOf(rows);
    }
}
