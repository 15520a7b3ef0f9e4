package org.costobservatory.api;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.Spend;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.log.Log;

/**
 * Loads what a real headroom answer needs before the first request arrives: a throwaway API Gateway event through the
 * event codec and the router (one DynamoDB read of a budget that does not exist, so the SDK, its HTTP client, signer and marshallers, Jackson and
 * the routes are loaded and initialised) and a synthetic answer through the decision and its JSON view. Nothing is
 * written. The budget-check function runs it before its SnapStart snapshot, so a restored function answers its first
 * call like a warm one.
 */
public final class Priming {
    private static final Log LOG = Log.get(Priming.class);
    static final String BUDGET = "snapstart-priming";
    /** The throwaway request, as API Gateway would send it. */
    private static final String EVENT = """
            {"version": "2.0", "rawPath": "/v1/headroom", "rawQueryString": "budget=%s&estimate_usd=1.25",
             "headers": {"accept": "application/json"}, "isBase64Encoded": false,
             "requestContext": {"http": {"method": "GET", "path": "/v1/headroom"},
                                "authorizer": {"iam": {"userArn": "priming"}}}}""".formatted(BUDGET);

    private Priming() {
    }

    /** @return the throwaway request's status (404 when the store answered; it never throws) */
    public static int prime(ApiRouter router, Clock clock) {
        int status;
        try {
            ApiResponse response = router.handle(HttpApiEvents.request(EVENT.getBytes(StandardCharsets.UTF_8)));
            HttpApiEvents.response(response);
            status = response.status();
        } catch (RuntimeException e) {
            LOG.warn("priming request failed; the first real request loads the classes instead",
                    "error_type", e.getClass().getSimpleName());
            status = 0;
        }
        Instant now = clock.instant();
        Budget budget = new Budget(BUDGET, new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneId.of("UTC"),
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty());
        PeriodWindow period = budget.currentPeriod(now);
        Spend spend = new Spend(period, new BigDecimal("4200.5"), BigDecimal.ZERO, new BigDecimal("310.25"),
                Optional.empty(), Optional.of(now), Spend.BASIS_COST_REPORT, List.of(), false);
        HeadroomAnswer answer = HeadroomService.decide(budget, spend, BigDecimal.ONE, now, Duration.ofHours(3));
        ApiResponse.json(200, HeadroomJson.all(List.of(answer), BigDecimal.ONE)).bodyText();
        return status;
    }
}
