package org.costobservatory.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.store.HoldLedger;

/**
 * What a budget's ledger counts. Pure; nothing here needs a sweeper, because time alone decides.
 * <ul>
 *   <li>A hold counts until {@code expires_at}; after that it counts nowhere, whether or not its entry is still
 *       stored.</li>
 *   <li>A settled run's reported cost counts in the period it ended in until the stored usage covers its end (the
 *       usage watermark is past {@code ended_at}); from then the run is in the usage itself.</li>
 * </ul>
 */
public final class HoldRules {
    private HoldRules() {
    }

    /** The sum of the holds active at {@code now}, exact. */
    public static BigDecimal heldUsd(HoldLedger ledger, Instant now) {
        return ledger.holds().values().stream().filter(held -> held.activeAt(now))
                .map(HoldLedger.Held::estimateUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** The sum of the settled runs' costs that stored usage does not cover yet, exact. */
    public static BigDecimal recentUsd(HoldLedger ledger, PeriodWindow period, Optional<Instant> usageStoredThrough) {
        return ledger.recent().values().stream().filter(run -> counts(run, period, usageStoredThrough))
                .map(HoldLedger.Recent::actualUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    static boolean counts(HoldLedger.Recent run, PeriodWindow period, Optional<Instant> usageStoredThrough) {
        boolean inPeriod = !run.endedAt().isBefore(period.startInstant()) && run.endedAt().isBefore(period.endInstant());
        return inPeriod && !covered(run, usageStoredThrough);
    }

    /** Stored usage covers the hour the run ended in. */
    static boolean covered(HoldLedger.Recent run, Optional<Instant> usageStoredThrough) {
        return usageStoredThrough.filter(through -> through.isAfter(run.endedAt())).isPresent();
    }

    /** Holds that no longer count: their entries can go with the next write of the ledger. */
    public static Set<String> expired(HoldLedger ledger, Instant now) {
        Set<String> ids = new TreeSet<>();
        ledger.holds().values().stream().filter(held -> !held.activeAt(now)).forEach(held -> ids.add(held.holdId()));
        return ids;
    }

    /** Settled runs that will never count again: covered by usage, or ended before the current period. */
    public static Set<String> finished(HoldLedger ledger, PeriodWindow period, Optional<Instant> usageStoredThrough) {
        Set<String> ids = new TreeSet<>();
        ledger.recent().values().stream()
                .filter(run -> covered(run, usageStoredThrough) || run.endedAt().isBefore(period.startInstant()))
                .forEach(run -> ids.add(run.holdId()));
        return ids;
    }

    /** Entries that still count, and so stay in the item. */
    public static int liveEntries(HoldLedger ledger, PeriodWindow period, Optional<Instant> usageStoredThrough,
                                  Instant now) {
        return ledger.holds().size() - expired(ledger, now).size() + ledger.recent().size()
                - finished(ledger, period, usageStoredThrough).size();
    }

    /** The 90th percentile by nearest rank: the smallest cost at least 90 % of the costs are at or below. */
    public static BigDecimal percentile90(List<BigDecimal> costs) {
        if (costs.isEmpty()) {
            throw new IllegalArgumentException("no costs");
        }
        List<BigDecimal> sorted = new ArrayList<>(costs);
        sorted.sort(BigDecimal::compareTo);
        int rank = BigDecimal.valueOf(sorted.size()).multiply(new BigDecimal("0.9")).setScale(0, RoundingMode.CEILING)
                .intValueExact();
        return sorted.get(Math.max(1, rank) - 1);
    }
}
