package org.costobservatory.store;

import java.util.List;
import java.util.Optional;
import org.costobservatory.domain.Budget;

/** Stored budgets, and the record of every change made through the API. */
public interface BudgetStore {

    /** Creates or replaces the budget with this name, unrecorded (seed files and demo budgets). */
    void put(Budget budget);

    Optional<Budget> get(String name);

    /** Every budget, by name. */
    List<Budget> list();

    /** @return false when there was no such budget */
    boolean delete(String name);

    /**
     * A budget as stored now, with the revision a {@link #change} must name.
     *
     * @param revision 0 when the budget does not exist or was written unrecorded
     */
    record Current(Optional<Budget> budget, long revision) {
    }

    Current current(String name);

    /**
     * Writes {@code change.after()} (or deletes the budget when it is empty) and records the change, in one
     * transaction, provided the budget is still at {@code revision}.
     *
     * @return false when the budget changed meanwhile; nothing was written
     */
    boolean change(BudgetChange change, long revision);

    /** The recorded changes of the budget named, newest first. */
    List<BudgetChange> history(String name);
}
