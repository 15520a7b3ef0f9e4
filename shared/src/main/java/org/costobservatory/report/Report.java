package org.costobservatory.report;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A finance-style export of stored data for whole UTC days {@code from..to}.
 *
 * @param kind         {@code costs} (the cost report, settled) or {@code usage} (usage at list price)
 * @param missingDays  days of the range with nothing stored (not pulled yet, or not complete)
 */
public record Report(String kind, LocalDate from, LocalDate to, Grouping groupBy, List<ReportLine> lines,
                     BigDecimal totalCents, List<LocalDate> missingDays, Optional<LocalDate> settledThrough) {
    public static final List<String> USAGE_COUNTS = List.of("uncached_input_tokens", "cache_read_input_tokens",
            "cache_creation_5m_input_tokens", "cache_creation_1h_input_tokens", "output_tokens",
            "web_search_requests");

    public Report {
        lines = List.copyOf(lines);
        missingDays = List.copyOf(missingDays);
    }
}
