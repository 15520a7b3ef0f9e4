package org.costobservatory.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.costobservatory.pricing.PricedUsageRow;

/** A stored hour of the usage report, each row with its list-price cost, and its run metadata. */
public record StoredUsageHour(Instant hourStart, List<PricedUsageRow> rows, BigDecimal totalCents, String generation,
                              String runId, Instant fetchedAt) {
    public StoredUsageHour {
        rows = List.copyOf(rows);
    }
}
