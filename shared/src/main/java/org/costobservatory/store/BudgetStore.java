package org.costobservatory.store;

import java.util.List;
import java.util.Optional;
import org.costobservatory.domain.Budget;

/** Stored budgets. */
public interface BudgetStore {

    /** Creates or replaces the budget with this name. */
    void put(Budget budget);

    Optional<Budget> get(String name);

    /** Every budget, by name. */
    List<Budget> list();

    /** @return false when there was no such budget */
    boolean delete(String name);
}
