package org.costobservatory.budget;

import java.util.List;
import java.util.Optional;

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
