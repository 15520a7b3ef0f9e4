package org.costobservatory.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** One daily bucket of the cost report: a whole UTC day and its rows (possibly none). */
public record CostDay(LocalDate date, List<CostRow> rows) {
    public CostDay {
        rows = List.copyOf(rows);
    }

    public BigDecimal totalCents() {
        return rows.stream().map(CostRow::amountCents).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
