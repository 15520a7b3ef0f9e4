package org.costobservatory.budget;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.store.SpendStore;

/**
 * Forecasts for headroom answers and the dashboard without weeks of reads per answer: a scope's
 * {@link SpendHistory} is read (one Query of at most {@value SpendHistory#DAYS} rollup items) once per container for
 * each version of the stored data (the cost report's settled-through day and the end of the newest usage hour, both
 * of which every ingest run that stores new data moves), and kept. The period's own spend comes fresh with every
 * answer from {@link SpendCalculator}.
 */
public final class ForecastService {
    private static final int MAX_CACHED = 512;

    /** What a history depends on: the scope read and the version of the data it was read from. */
    private record Key(BudgetScope scope, LocalDate lastCompleteDay, Optional<LocalDate> settledThrough,
                       Instant dataAsOf) {
    }

    private final SpendStore spend;
    private final Map<Key, SpendHistory> histories = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, SpendHistory> eldest) {
            return size() > MAX_CACHED;
        }
    };

    public ForecastService(SpendStore spend) {
        this.spend = Objects.requireNonNull(spend);
    }

    /** The forecast for {@code budget}'s current period, given the period's spend just calculated. */
    public Forecast forecast(Budget budget, Spend periodSpend) {
        if (periodSpend.dataAsOf().isEmpty()) {
            return Forecast.none(0);
        }
        return SpendForecaster.forecast(budget.limitUsd(), periodSpend.period(), periodSpend.totalCents(),
                periodSpend.dataAsOf(), history(budget, periodSpend));
    }

    /** The complete days before the newest stored data; read once per data version, then from memory. */
    SpendHistory history(Budget budget, Spend periodSpend) {
        Instant dataAsOf = periodSpend.dataAsOf().orElseThrow();
        LocalDate lastComplete = dataAsOf.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1);
        Key key = new Key(budget.scope(), lastComplete, periodSpend.settledThrough(), dataAsOf);
        synchronized (histories) {
            SpendHistory cached = histories.get(key);
            if (cached != null) {
                return cached;
            }
        }
        SpendHistory read = SpendHistory.of(budget, spend.read(budget.scope().rollupScope(),
                SpendHistory.firstDay(lastComplete), lastComplete), lastComplete, periodSpend.settledThrough());
        synchronized (histories) {
            histories.put(key, read);
        }
        return read;
    }
}
