package org.costobservatory.functions.budgetcheck;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.api.ApiRouter;
import org.costobservatory.api.HttpApiEvents;
import org.costobservatory.api.Priming;
import org.costobservatory.wiring.Functions;
import org.crac.Core;
import org.crac.Resource;

/**
 * API Gateway (HTTP API, payload 2.0) adapter for the budget, headroom and alert API: the event's JSON in, the
 * response's JSON out ({@link HttpApiEvents}). Before SnapStart takes its snapshot the handler primes itself
 * ({@link Priming}), so a restored function answers its first call like a warm one; where there is no SnapStart,
 * {@code PRIME_ON_INIT=true} primes during init instead.
 */
public final class BudgetCheckHandler implements RequestStreamHandler, Resource {
    static final String PRIME_ON_INIT = "PRIME_ON_INIT";

    private final ApiRouter router;

    /** Builds the real graph from the environment once per container (and once per SnapStart snapshot). */
    public BudgetCheckHandler() {
        this(Functions.budgetCheck());
        Core.getGlobalContext().register(this);
        if (Boolean.parseBoolean(System.getenv(PRIME_ON_INIT))) {
            prime();
        }
    }

    public BudgetCheckHandler(ApiRouter router) {
        this.router = router;
    }

    /** SnapStart: load and initialise what a headroom answer needs before the snapshot is taken. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to renew: the SDK re-reads credentials from the environment on each call.
    }

    int prime() {
        return Priming.prime(router, Clock.systemUTC());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ApiResponse response;
        try {
            response = router.handle(HttpApiEvents.request(input.readAllBytes()));
        } catch (HttpApiEvents.NotAnEvent e) {
            response = ApiResponse.invalid(e.getMessage());
        }
        output.write(HttpApiEvents.response(response));
    }
}
