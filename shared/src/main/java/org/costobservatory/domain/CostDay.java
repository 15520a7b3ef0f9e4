package org.costobservatory.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One daily bucket of the cost report: a whole UTC day and its rows (possibly none). Rows with the same
 * {@linkplain CostRow#key() key} are one line item that a dimension we do not store split in two, so they are added
 * up here, the one place where that happens; every row of a {@code CostDay} has a distinct key.
 */
public record CostDay(LocalDate date, List<CostRow> rows) {
    public CostDay {
        Map<String, CostRow> merged = new LinkedHashMap<>();
        for (CostRow row : rows) {
            merged.merge(row.key(), row, (first, second) ->
                    first.withAmountCents(first.amountCents().add(second.amountCents())));
        }
        rows = List.copyOf(merged.values());
    }

    public BigDecimal totalCents() {
        return rows.stream().map(CostRow::amountCents).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
