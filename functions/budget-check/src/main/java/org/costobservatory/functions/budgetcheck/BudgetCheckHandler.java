package org.costobservatory.functions.budgetcheck;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.api.ApiRouter;
import org.costobservatory.api.Priming;
import org.costobservatory.wiring.Functions;
import org.crac.Core;
import org.crac.Resource;

/**
 * API Gateway (HTTP API, payload 2.0) adapter for the budget, headroom and alert API. Before SnapStart takes its
 * snapshot the handler primes itself ({@link Priming}), so a restored function answers its first call like a warm
 * one; where there is no SnapStart, {@code PRIME_ON_INIT=true} primes during init instead.
 */
public final class BudgetCheckHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>,
        Resource {
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
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        ApiResponse response = router.handle(toRequest(event));
        return toEvent(response);
    }

    static ApiRequest toRequest(APIGatewayV2HTTPEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        String method = http != null && http.getMethod() != null ? http.getMethod() : "GET";
        String path = event.getRawPath() != null ? event.getRawPath() : http != null ? http.getPath() : "/";
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        }
        byte[] body = new byte[0];
        if (event.getBody() != null) {
            body = event.getIsBase64Encoded() ? Base64.getDecoder().decode(event.getBody())
                    : event.getBody().getBytes(StandardCharsets.UTF_8);
        }
        Optional<String> caller = Optional.ofNullable(event.getRequestContext())
                .map(APIGatewayV2HTTPEvent.RequestContext::getAuthorizer)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer::getIam)
                .map(iam -> iam.getUserArn() != null ? iam.getUserArn() : iam.getCallerId());
        return new ApiRequest(method, path, event.getRawQueryString(), headers, body, caller);
    }

    static APIGatewayV2HTTPResponse toEvent(ApiResponse response) {
        String type = response.headers().getOrDefault("content-type", "");
        boolean text = type.startsWith("application/json") || type.startsWith("text/") || type.contains("svg")
                || type.contains("javascript") || type.contains("csv");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(response.headers())
                .withBody(text ? new String(response.body(), StandardCharsets.UTF_8)
                        : Base64.getEncoder().encodeToString(response.body()))
                .withIsBase64Encoded(!text)
                .build();
    }
}
