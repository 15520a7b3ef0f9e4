package org.costobservatory.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.costobservatory.alert.AlertEvaluation;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.domain.Budget;
import org.costobservatory.json.Json;
import org.costobservatory.log.Log;
import org.costobservatory.metrics.Metrics;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.AlertStore;
import org.costobservatory.store.ApiKeyStore;
import org.costobservatory.store.BudgetStore;
import org.costobservatory.store.StoreUnavailableException;
import org.costobservatory.store.WorkspaceStore;

/**
 * The budget, headroom and alert routes. Input is validated before the store is touched; a store failure is a 503
 * with {@code Retry-After}, never a guessed answer.
 */
public final class BudgetRoutes {
    private static final Log LOG = Log.get(BudgetRoutes.class);
    private static final Pattern BUDGET_PATH = Pattern.compile("^/v1/budgets/([^/]*)$");
    private static final Pattern ESTIMATE = Pattern.compile("^\\d{1,10}(\\.\\d{1,6})?$");
    private static final BigDecimal MAX_ESTIMATE = new BigDecimal("1000000000");
    private static final int MAX_BODY = 64 * 1024;
    static final int RETRY_AFTER_SECONDS = 10;

    private final BudgetStore budgets;
    private final HeadroomService headroom;
    private final AlertEvaluation alerts;
    private final AlertStore alertStore;
    private final java.time.Clock clock;
    private final Metrics metrics;
    private final WorkspaceStore workspaces;
    private final ApiKeyStore apiKeys;

    /** @param workspaces and {@code apiKeys}: names shown beside the ids of budget scopes */
    public BudgetRoutes(BudgetStore budgets, HeadroomService headroom, AlertEvaluation alerts, AlertStore alertStore,
                     java.time.Clock clock, Metrics metrics, WorkspaceStore workspaces, ApiKeyStore apiKeys) {
        this.budgets = Objects.requireNonNull(budgets);
        this.headroom = Objects.requireNonNull(headroom);
        this.alerts = Objects.requireNonNull(alerts);
        this.alertStore = Objects.requireNonNull(alertStore);
        this.clock = Objects.requireNonNull(clock);
        this.metrics = Objects.requireNonNull(metrics);
        this.workspaces = Objects.requireNonNull(workspaces);
        this.apiKeys = Objects.requireNonNull(apiKeys);
    }

    /** @return the response, or empty when the path is not one of these routes */
    public Optional<ApiResponse> handle(ApiRequest request) {
        String path = request.path();
        try {
            if (path.equals("/v1/headroom")) {
                return Optional.of(only("GET", request, () -> headroom(request)));
            }
            if (path.equals("/v1/budgets")) {
                return Optional.of(only("GET", request, () -> listBudgets(request)));
            }
            Matcher budgetPath = BUDGET_PATH.matcher(path);
            if (budgetPath.matches()) {
                String name = budgetPath.group(1);
                return Optional.of(switch (request.method()) {
                    case "GET" -> getBudget(name, request);
                    case "PUT" -> putBudget(name, request);
                    case "DELETE" -> deleteBudget(name, request);
                    default -> methodNotAllowed("GET, PUT, DELETE");
                });
            }
            if (path.equals("/v1/alerts")) {
                return Optional.of(only("GET", request, () -> listAlerts(request)));
            }
            return Optional.empty();
        } catch (BadRequest e) {
            return Optional.of(ApiResponse.invalid(e.getMessage()));
        } catch (StoreUnavailableException e) {
            LOG.error("store unavailable; answering 503", e, "path", path);
            return Optional.of(ApiResponse.unavailable("the budget store cannot be reached; retry later",
                    RETRY_AFTER_SECONDS));
        }
    }

    private ApiResponse headroom(ApiRequest request) {
        long started = System.nanoTime();
        QueryParameters query = QueryParameters.parse(request.rawQuery(), Set.of("budget", "estimate_usd"));
        Optional<String> name = query.get("budget").map(BudgetRoutes::validName);
        BigDecimal estimate = estimate(query.get("estimate_usd"));
        if (name.isPresent()) {
            Optional<Budget> budget = budgets.get(name.get());
            if (budget.isEmpty()) {
                return ApiResponse.notFound("no budget named '" + name.get() + "'");
            }
            HeadroomAnswer answer = headroom.answer(budget.get(), estimate);
            evaluateAlerts(List.of(answer));
            ApiResponse response = ApiResponse.json(200, HeadroomJson.answer(answer));
            metrics.headroomCall(answer.decision().id(), Duration.ofNanos(System.nanoTime() - started));
            return response;
        }
        List<HeadroomAnswer> answers = headroom.answerAll(estimate);
        evaluateAlerts(answers);
        ApiResponse response = ApiResponse.json(200, HeadroomJson.all(answers, estimate));
        metrics.headroomCall(HeadroomJson.mostRestrictive(answers).id(), Duration.ofNanos(System.nanoTime() - started));
        return response;
    }

    /** Thresholds are checked on every headroom answer; a failed alert never changes the answer. */
    private void evaluateAlerts(List<HeadroomAnswer> answers) {
        for (HeadroomAnswer answer : answers) {
            try {
                alerts.evaluate(answer);
            } catch (RuntimeException e) {
                LOG.error("threshold alert failed during a headroom check; a later check or ingest retries it", e,
                        "budget", answer.budget().name());
            }
        }
    }

    private ApiResponse listBudgets(ApiRequest request) {
        QueryParameters.parse(request.rawQuery(), Set.of());
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("budgets");
        List<Budget> all = budgets.list();
        ScopeNames names = new ScopeNames();
        all.forEach(budget -> list.add(names.add(budget, BudgetJson.toJson(budget))));
        return ApiResponse.json(200, root);
    }

    /**
     * {@code scope_names}: the names of the workspace and API key a budget counts, beside their ids (read-only; a
     * PUT ignores it). Names are read once per request, and only when a budget has such a scope.
     */
    private final class ScopeNames {
        private Map<String, String> workspaceNames;
        private Map<String, String> apiKeyNames;

        ObjectNode add(Budget budget, ObjectNode json) {
            ObjectNode names = Json.mapper().createObjectNode();
            budget.scope().workspaceId().ifPresent(id -> {
                if (workspaceNames == null) {
                    workspaceNames = workspaces.names();
                }
                Optional.ofNullable(workspaceNames.get(id)).ifPresent(name -> names.put("workspace_id", name));
            });
            budget.scope().apiKeyId().ifPresent(id -> {
                if (apiKeyNames == null) {
                    apiKeyNames = apiKeys.names();
                }
                Optional.ofNullable(apiKeyNames.get(id)).ifPresent(name -> names.put("api_key_id", name));
            });
            if (!names.isEmpty()) {
                json.set("scope_names", names);
            }
            return json;
        }
    }

    private ApiResponse getBudget(String name, ApiRequest request) {
        validName(name);
        QueryParameters.parse(request.rawQuery(), Set.of());
        return budgets.get(name).map(budget -> ApiResponse.json(200, new ScopeNames().add(budget,
                        BudgetJson.toJson(budget))))
                .orElseGet(() -> ApiResponse.notFound("no budget named '" + name + "'"));
    }

    private ApiResponse putBudget(String name, ApiRequest request) {
        validName(name);
        QueryParameters.parse(request.rawQuery(), Set.of());
        if (request.body().length > MAX_BODY) {
            throw new BadRequest("the body is larger than " + MAX_BODY + " bytes");
        }
        if (request.body().length == 0) {
            throw new BadRequest("the body must be a JSON budget, e.g. {\"limit_usd\": 100, \"period\": \"monthly\"}");
        }
        Budget budget = BudgetJson.fromJson(name, request.body()).withUpdatedAt(clock.instant());
        boolean existed = budgets.get(name).isPresent();
        budgets.put(budget);
        LOG.info("budget saved", "budget", name, "limit_usd", budget.limitUsd(), "period", budget.period().id());
        return ApiResponse.json(existed ? 200 : 201, BudgetJson.toJson(budget));
    }

    private ApiResponse deleteBudget(String name, ApiRequest request) {
        validName(name);
        QueryParameters.parse(request.rawQuery(), Set.of());
        if (!budgets.delete(name)) {
            return ApiResponse.notFound("no budget named '" + name + "'");
        }
        LOG.info("budget deleted", "budget", name);
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("deleted", name);
        return ApiResponse.json(200, root);
    }

    private ApiResponse listAlerts(ApiRequest request) {
        QueryParameters query = QueryParameters.parse(request.rawQuery(), Set.of("budget"));
        Optional<String> name = query.get("budget").map(BudgetRoutes::validName);
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("alerts");
        for (AlertRecord record : alertStore.list(name)) {
            ObjectNode item = list.addObject();
            item.put("budget", record.budget());
            item.put("threshold_percent", record.thresholdPercent());
            item.put("state", record.state());
            ObjectNode period = item.putObject("period");
            period.put("start", record.periodStart());
            period.put("end", record.periodEnd());
            period.put("time_zone", record.timeZone());
            item.put("claimed_at", record.claimedAt().toString());
            if (record.sentAt().isPresent()) {
                item.put("sent_at", record.sentAt().get().toString());
            } else {
                item.putNull("sent_at");
            }
            record.messageId().ifPresent(id -> item.put("message_id", id));
            record.subject().ifPresent(subject -> item.put("subject", subject));
            record.spentUsd().ifPresent(v -> item.put("spent_usd", v));
            record.limitUsd().ifPresent(v -> item.put("limit_usd", v));
            record.percentUsed().ifPresent(v -> item.put("percent_used", v));
        }
        return ApiResponse.json(200, root);
    }

    static String validName(String name) {
        if (!BudgetJson.NAME.matcher(name).matches()) {
            throw new BadRequest("budget names are 1 to 64 characters of a-z, 0-9 and '-'");
        }
        return name;
    }

    static BigDecimal estimate(Optional<String> text) {
        if (text.isEmpty()) {
            return BigDecimal.ZERO;
        }
        if (!ESTIMATE.matcher(text.get()).matches()) {
            throw new BadRequest("estimate_usd must be a non-negative amount of US dollars such as 12.50");
        }
        BigDecimal value = new BigDecimal(text.get());
        if (value.compareTo(MAX_ESTIMATE) > 0) {
            throw new BadRequest("estimate_usd must be at most 1000000000");
        }
        return value;
    }

    private static ApiResponse only(String method, ApiRequest request, java.util.function.Supplier<ApiResponse> route) {
        return method.equals(request.method()) ? route.get() : methodNotAllowed(method);
    }

    static ApiResponse methodNotAllowed(String allowed) {
        ApiResponse base = ApiResponse.error(405, "method_not_allowed", "allowed methods: " + allowed);
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(base.headers());
        headers.put("allow", allowed);
        return new ApiResponse(405, headers, base.body());
    }
}
