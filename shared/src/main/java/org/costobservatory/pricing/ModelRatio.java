package org.costobservatory.pricing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * Billed / list of one model over every key it was learned on: how a model's usage is priced where its exact key
 * has not been seen yet (another workspace, the batch tier, the long-context window).
 */
public record ModelRatio(String model, BigDecimal ratioToList, BigDecimal billedCents, BigDecimal listCents,
                         List<LocalDate> days) {
    public ModelRatio {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(ratioToList, "ratioToList");
        days = List.copyOf(days);
    }
}
