package org.costobservatory.api;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.costobservatory.budget.HoldService;
import org.costobservatory.budget.RequestRefused;
import org.costobservatory.log.Log;
import org.costobservatory.store.StoreUnavailableException;

/**
 * The hold routes: {@code POST /v1/holds}, {@code GET /v1/holds}, {@code DELETE /v1/holds/{id}} and
 * {@code POST /v1/holds/{id}/settle}. Every body and path is validated before the store is touched.
 */
public final class HoldRoutes {
    private static final Log LOG = Log.get(HoldRoutes.class);
    private static final Pattern HOLD_PATH = Pattern.compile("^/v1/holds/([^/]*)$");
    private static final Pattern SETTLE_PATH = Pattern.compile("^/v1/holds/([^/]*)/settle$");

    private final HoldService holds;

    public HoldRoutes(HoldService holds) {
        this.holds = holds;
    }

    /** @return the response, or empty when the path is not one of these routes */
    public Optional<ApiResponse> handle(ApiRequest request) {
        String path = request.path();
        try {
            if (path.equals("/v1/holds")) {
                return Optional.of(switch (request.method()) {
                    case "POST" -> place(request);
                    case "GET" -> list(request);
                    default -> BudgetRoutes.methodNotAllowed("GET, POST");
                });
            }
            Matcher settle = SETTLE_PATH.matcher(path);
            if (settle.matches()) {
                return Optional.of(request.method().equals("POST") ? settle(settle.group(1), request)
                        : BudgetRoutes.methodNotAllowed("POST"));
            }
            Matcher hold = HOLD_PATH.matcher(path);
            if (hold.matches()) {
                return Optional.of(request.method().equals("DELETE") ? release(hold.group(1), request)
                        : BudgetRoutes.methodNotAllowed("DELETE"));
            }
            return Optional.empty();
        } catch (BadRequest e) {
            return Optional.of(ApiResponse.invalid(e.getMessage()));
        } catch (RequestRefused e) {
            return Optional.of(refused(e));
        } catch (StoreUnavailableException e) {
            LOG.error("store unavailable; answering 503", e, "path", path);
            return Optional.of(ApiResponse.unavailable("the hold store cannot be reached or is busy; retry later",
                    BudgetRoutes.RETRY_AFTER_SECONDS));
        }
    }

    static ApiResponse refused(RequestRefused e) {
        return switch (e.kind()) {
            case NOT_FOUND -> ApiResponse.notFound(e.getMessage());
            case CONFLICT -> ApiResponse.error(409, "conflict", e.getMessage());
            case INVALID -> ApiResponse.invalid(e.getMessage());
        };
    }

    private ApiResponse place(ApiRequest request) {
        QueryParameters.parse(request.rawQuery(), Set.of());
        BudgetRoutes.limitBody(request);
        HoldService.Request parsed = HoldJson.request(request.body());
        HoldService.Outcome outcome = holds.place(parsed);
        if (outcome instanceof HoldService.Granted granted) {
            return ApiResponse.json(201, HoldJson.granted(granted, holds.now()));
        }
        return ApiResponse.json(409, HoldJson.refused((HoldService.Refused) outcome));
    }

    private ApiResponse list(ApiRequest request) {
        QueryParameters query = QueryParameters.parse(request.rawQuery(), Set.of("budget"));
        Optional<String> budget = query.get("budget").map(BudgetRoutes::validName);
        return ApiResponse.json(200, HoldJson.active(holds.active(budget)));
    }

    private ApiResponse release(String holdId, ApiRequest request) {
        validHoldId(holdId);
        QueryParameters.parse(request.rawQuery(), Set.of());
        holds.release(holdId);
        return new ApiResponse(204, Map.of("cache-control", "no-store"), new byte[0]);
    }

    private ApiResponse settle(String holdId, ApiRequest request) {
        validHoldId(holdId);
        QueryParameters.parse(request.rawQuery(), Set.of());
        BudgetRoutes.limitBody(request);
        HoldJson.Settle body = HoldJson.settle(request.body());
        return ApiResponse.json(200, HoldJson.settled(holds.settle(holdId, body.actualUsd(), body.endedAt()),
                holds.now()));
    }

    private static void validHoldId(String holdId) {
        if (!HoldJson.HOLD_ID.matcher(holdId).matches()) {
            throw new BadRequest("hold ids are 'hold_' and 32 hex digits, as POST /v1/holds returned");
        }
    }
}
