package org.costobservatory.budget;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.store.DataVersion;
import org.costobservatory.store.Watermark;

/**
 * A period's spend (and the watermarks), kept per container and reused while the stored data has not changed: keyed
 * by the budget's scope, its current period window (so a new period is a new key) and the data version's
 * {@code seq}. Nothing is kept, nor reused, while a write is in flight: the store may be half written. Whatever
 * depends on the time of the question (stale or not, holds, recent runs) is decided by the caller at answer time.
 */
final class PeriodSpendCache {
    /** Far more than the budgets of any organisation; past it everything is dropped and computed again. */
    private static final int MAX_ENTRIES = 4096;

    private record Key(BudgetScope scope, PeriodWindow period, long seq) {
    }

    private record Marks(long seq, Map<ReportKind, Watermark> marks) {
    }

    private final SpendCalculator calculator;
    private final Map<Key, Spend> spends = new ConcurrentHashMap<>();
    private volatile Marks marks;

    PeriodSpendCache(SpendCalculator calculator) {
        this.calculator = Objects.requireNonNull(calculator);
    }

    /** The budget's spend at {@code now}, computed from what is stored after {@code version} was read. */
    Spend spend(Budget budget, Instant now, DataVersion version) {
        if (version.writing(now)) {
            return calculator.spend(budget, now);
        }
        Key key = new Key(budget.scope(), budget.currentPeriod(now), version.seq());
        Spend kept = spends.get(key);
        if (kept != null) {
            return kept;
        }
        Spend fresh = calculator.spend(budget, now, marks(version.seq()));
        if (spends.size() >= MAX_ENTRIES) {
            spends.clear();
        }
        // Spend of older versions is never asked for again: seq only moves on.
        spends.keySet().removeIf(other -> other.seq() < version.seq());
        spends.put(key, fresh);
        return fresh;
    }

    private Map<ReportKind, Watermark> marks(long seq) {
        Marks known = marks;
        if (known != null && known.seq() == seq) {
            return known.marks();
        }
        Map<ReportKind, Watermark> read = calculator.watermarks();
        marks = new Marks(seq, read);
        return read;
    }
}
