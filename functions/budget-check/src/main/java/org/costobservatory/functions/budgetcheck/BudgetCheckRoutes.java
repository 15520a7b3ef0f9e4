package org.costobservatory.functions.budgetcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.costobservatory.config.Components;

/** The route groups of the deployed API, in matching order. */
public final class BudgetCheckRoutes {
    private BudgetCheckRoutes() {
    }

    public static ApiRouter router(Components components, boolean requireIamCaller) {
        return router(components, requireIamCaller, List.of());
    }

    /** The deployed routes plus {@code extra} groups (local mode adds its pull routes). */
    public static ApiRouter router(Components components, boolean requireIamCaller,
                                   List<Function<ApiRequest, Optional<ApiResponse>>> extra) {
        BudgetApi budgets = new BudgetApi(components.budgets(), components.headroom(), components.alertEvaluation(),
                components.alerts(), components.clock());
        ReportsApi reports = new ReportsApi(components.spendReports(), components.dashboardData(),
                components.watermarks(), components.clock(), components.config().staleAfter());
        List<Function<ApiRequest, Optional<ApiResponse>>> routes = new ArrayList<>(List.of(budgets::handle,
                reports::handle));
        routes.addAll(extra);
        return new ApiRouter(routes, requireIamCaller);
    }
}
