package org.costobservatory.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.Budget;

/**
 * What a headroom answer must read fresh every time, read together: the budgets, their hold ledgers and the
 * {@link DataVersion} of the stored spend (which says whether spend computed earlier is still true).
 */
public interface HeadroomInputs {

    /** One budget (absent when there is none by that name), its ledger and the data version, in one read. */
    Inputs budget(String name);

    /** Every budget and every ledger, and the data version. */
    Inputs all();

    /** The data version alone: one strongly consistent read. */
    DataVersion version();

    /**
     * Budgets, ledgers by budget name (a budget without one has none here) and the data version, all read after the
     * call began.
     */
    record Inputs(List<Budget> budgets, Map<String, HoldLedger> ledgers, DataVersion version) {
        public Inputs {
            budgets = List.copyOf(budgets);
            ledgers = Map.copyOf(ledgers);
        }

        public Optional<Budget> only() {
            return budgets.stream().findFirst();
        }

        public HoldLedger ledger(String budget) {
            return ledgers.getOrDefault(budget, HoldLedger.empty(budget));
        }
    }
}
