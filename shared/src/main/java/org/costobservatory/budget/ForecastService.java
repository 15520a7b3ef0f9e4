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
import org.costobservatory.store.DataVersion;
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

    /**
     * What a history depends on: the scope read and the version of the data it was read from ({@code seq} moves on
     * with every write the spend rests on, a restated day included, which the watermarks alone would not show).
     */
    private record Key(BudgetScope scope, LocalDate lastCompleteDay, Optional<LocalDate> settledThrough,
                       Instant dataAsOf, long seq) {
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

    /** The forecast for {@code budget}'s current period from history read now (the dashboard: one read a budget). */
    public Forecast forecast(Budget budget, Spend periodSpend) {
        return forecast(budget, periodSpend, Optional.empty());
    }

    /**
     * The forecast for {@code budget}'s current period, its history read once per {@code version} of the stored data
     * and then kept; while a write is in flight it is read fresh and not kept, as the period's spend is.
     */
    public Forecast forecast(Budget budget, Spend periodSpend, DataVersion version, Instant now) {
        return forecast(budget, periodSpend, version.writing(now) ? Optional.empty() : Optional.of(version.seq()));
    }

    private Forecast forecast(Budget budget, Spend periodSpend, Optional<Long> seq) {
        if (periodSpend.dataAsOf().isEmpty()) {
            return Forecast.none(0);
        }
        return SpendForecaster.forecast(budget.limitUsd(), periodSpend.period(), periodSpend.totalCents(),
                periodSpend.dataAsOf(), history(budget, periodSpend, seq));
    }

    /** The complete days before the newest stored data; kept under the data version when there is one. */
    private SpendHistory history(Budget budget, Spend periodSpend, Optional<Long> seq) {
        Instant dataAsOf = periodSpend.dataAsOf().orElseThrow();
        LocalDate lastComplete = dataAsOf.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1);
        Optional<Key> key = seq.map(version -> new Key(budget.scope(), lastComplete, periodSpend.settledThrough(),
                dataAsOf, version));
        if (key.isPresent()) {
            synchronized (histories) {
                SpendHistory cached = histories.get(key.get());
                if (cached != null) {
                    return cached;
                }
            }
        }
        SpendHistory read = SpendHistory.of(budget, spend.read(budget.scope().rollupScope(),
                SpendHistory.firstDay(lastComplete), lastComplete), lastComplete, periodSpend.settledThrough());
        key.ifPresent(k -> {
            synchronized (histories) {
                histories.put(k, read);
            }
        });
        return read;
    }
}
