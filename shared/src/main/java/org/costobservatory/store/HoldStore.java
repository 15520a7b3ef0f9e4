package org.costobservatory.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Holds, their per-budget ledgers and the settled costs of each run class. */
public interface HoldStore {

    /** The ledger of {@code budget}; an empty one (version 0) when it has none. One strongly consistent read. */
    HoldLedger ledger(String budget);

    /** Every budget's ledger, by budget name, in one Query. */
    Map<String, HoldLedger> ledgers();

    Optional<Hold> get(String holdId);

    /** What placing a hold came to. */
    enum Placed {
        /** The hold and its entries are written. */
        PLACED,
        /** A hold with this id exists already (the same run id); nothing was written. */
        EXISTS,
        /** A ledger changed since it was read; nothing was written. Read again and decide again. */
        CONFLICT
    }

    /**
     * One ledger as it was read for a decision, and the entries that no longer count and can go with this write.
     */
    record LedgerWrite(HoldLedger read, Set<String> dropHolds, Set<String> dropRecent) {
        public LedgerWrite {
            dropHolds = Set.copyOf(dropHolds);
            dropRecent = Set.copyOf(dropRecent);
        }
    }

    /**
     * Writes the hold and its entry into every ledger in one transaction, provided the hold id is new and each ledger
     * is still at the version that was read.
     */
    Placed place(Hold hold, List<LedgerWrite> ledgers);

    /** What closing (releasing or settling) a hold came to. */
    enum Closed {
        /** Written. */
        CLOSED,
        /** The hold was not active any more (released or settled meanwhile); nothing was written. */
        NOT_ACTIVE,
        /** Another transaction held one of the items; nothing was written. Try again. */
        CONFLICT
    }

    /** Marks an active hold released and removes its ledger entries, in one transaction. */
    Closed release(Hold hold, Instant at);

    /**
     * Marks an active hold settled, replaces its ledger entries by the run's reported cost, and records that cost for
     * the hold's run class, in one transaction.
     *
     * @param settled the hold as settled ({@link Hold#settled})
     */
    Closed settle(Hold settled);

    /** The reported costs of the latest {@code count} settled runs of {@code runClass}, newest first. */
    List<BigDecimal> runClassCosts(String runClass, int count);
}
