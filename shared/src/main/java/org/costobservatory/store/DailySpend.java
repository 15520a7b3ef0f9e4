package org.costobservatory.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.SpendScope;

/**
 * One scope's spend on one UTC day, as kept by the per-day rollup.
 *
 * @param settledCents   the cost report's total for the day, when the day has been pulled (absent otherwise)
 * @param settledByModel the same by model; non-token costs (web search, code execution) under "none"
 * @param usageByHour    hour of day (0-23) to model to list-price usage cost
 * @param workspaceId    for API-key scopes, the workspace the key belongs to
 */
public record DailySpend(LocalDate date, SpendScope scope, Optional<BigDecimal> settledCents,
                         Map<String, BigDecimal> settledByModel, Map<Integer, Map<String, HourSpend>> usageByHour,
                         Optional<String> workspaceId) {
    public DailySpend {
        settledByModel = Map.copyOf(settledByModel);
        usageByHour = Map.copyOf(usageByHour);
    }

    public static DailySpend empty(LocalDate date, SpendScope scope) {
        return new DailySpend(date, scope, Optional.empty(), Map.of(), Map.of(), Optional.empty());
    }

    /** Models that had usage this day but no price. */
    public List<String> unpricedModels() {
        return usageByHour.values().stream().flatMap(m -> m.entrySet().stream())
                .filter(e -> e.getValue().unpriced()).map(Map.Entry::getKey).distinct().sorted().toList();
    }
}
