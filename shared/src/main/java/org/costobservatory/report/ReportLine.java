package org.costobservatory.report;

import java.math.BigDecimal;
import java.util.Map;

/**
 * One line of a report: the group's key, a display name (workspace names resolved, "Default" for the Default
 * workspace), the exact amount in cents and, for usage reports, the token counts.
 */
public record ReportLine(String key, String name, BigDecimal amountCents, Map<String, Long> counts) {
    public ReportLine {
        counts = Map.copyOf(counts);
    }
}
