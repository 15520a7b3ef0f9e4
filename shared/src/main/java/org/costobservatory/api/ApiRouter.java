package org.costobservatory.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.costobservatory.log.Log;
import org.costobservatory.store.StoreUnavailableException;

/**
 * Sends a request to the first route group that knows its path. Every route needs an IAM caller unless the router
 * was built for loopback use; anything unexpected becomes a 500 that says nothing about the internals.
 */
public final class ApiRouter {
    private static final Log LOG = Log.get(ApiRouter.class);

    private final List<Function<ApiRequest, Optional<ApiResponse>>> routes;
    private final boolean requireIamCaller;

    public ApiRouter(List<Function<ApiRequest, Optional<ApiResponse>>> routes, boolean requireIamCaller) {
        this.routes = List.copyOf(Objects.requireNonNull(routes));
        this.requireIamCaller = requireIamCaller;
    }

    public ApiResponse handle(ApiRequest request) {
        if (requireIamCaller && request.iamCaller().isEmpty()) {
            return ApiResponse.error(403, "forbidden", "this API requires IAM (SigV4) authorization");
        }
        try {
            for (Function<ApiRequest, Optional<ApiResponse>> route : routes) {
                Optional<ApiResponse> response = route.apply(request);
                if (response.isPresent()) {
                    return response.get();
                }
            }
            return ApiResponse.notFound("no route for " + request.method() + " " + safePath(request.path()));
        } catch (StoreUnavailableException e) {
            LOG.error("store unavailable; answering 503", e, "path", safePath(request.path()));
            return ApiResponse.unavailable("the store cannot be reached; retry later", BudgetRoutes.RETRY_AFTER_SECONDS);
        } catch (RuntimeException e) {
            LOG.error("unexpected failure answering a request", e, "path", safePath(request.path()));
            return ApiResponse.error(500, "internal", "internal error; see the function's logs");
        }
    }

    private static String safePath(String path) {
        return path.length() <= 100 && path.matches("[A-Za-z0-9/_.{}-]*") ? path : "(unprintable path)";
    }
}
