package org.costobservatory.functions.budgetcheck;

import java.util.List;
import org.costobservatory.config.Components;

/** The route groups of the deployed API, in matching order. */
public final class BudgetCheckRoutes {
    private BudgetCheckRoutes() {
    }

    public static ApiRouter router(Components components, boolean requireIamCaller) {
        BudgetApi budgets = new BudgetApi(components.budgets(), components.headroom(), components.thresholdAlerts(),
                components.alerts(), components.clock());
        return new ApiRouter(List.of(budgets::handle), requireIamCaller);
    }
}
