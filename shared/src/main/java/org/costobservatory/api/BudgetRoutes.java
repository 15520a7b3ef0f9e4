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
import org.costobservatory.alert.ChangeNotices;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.RequestRefused;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.RunScope;
import org.costobservatory.json.Json;
import org.costobservatory.log.HandledFailures;
import org.costobservatory.log.Log;
import org.costobservatory.metrics.Metrics;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.AlertStore;
import org.costobservatory.store.ApiKeyStore;
import org.costobservatory.store.BudgetChange;
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
    private static final Pattern HISTORY_PATH = Pattern.compile("^/v1/budgets/([^/]*)/history$");
    /** Who changed a budget when no IAM caller is known: local mode, where the server listens on loopback only. */
    public static final String LOCAL_CALLER = "local";
    private static final int CHANGE_ATTEMPTS = 5;
    private static final Pattern ESTIMATE = Pattern.compile("^\\d{1,10}(\\.\\d{1,6})?$");
    private static final BigDecimal MAX_ESTIMATE = new BigDecimal("1000000000");
    private static final int MAX_BODY = 64 * 1024;
    static final int RETRY_AFTER_SECONDS = 10;

    private final BudgetStore budgets;
    private final HeadroomService headroom;
    private final AlertEvaluation alerts;
    private final AlertStore alertStore;
    private final ChangeNotices changeNotices;
    private final java.time.Clock clock;
    private final Metrics metrics;
    private final WorkspaceStore workspaces;
    private final ApiKeyStore apiKeys;

    /** @param workspaces and {@code apiKeys}: names shown beside the ids of budget scopes */
    public BudgetRoutes(BudgetStore budgets, HeadroomService headroom, AlertEvaluation alerts, AlertStore alertStore,
                        ChangeNotices changeNotices, java.time.Clock clock, Metrics metrics, WorkspaceStore workspaces,
                        ApiKeyStore apiKeys) {
        this.budgets = Objects.requireNonNull(budgets);
        this.headroom = Objects.requireNonNull(headroom);
        this.alerts = Objects.requireNonNull(alerts);
        this.alertStore = Objects.requireNonNull(alertStore);
        this.changeNotices = Objects.requireNonNull(changeNotices);
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
            Matcher historyPath = HISTORY_PATH.matcher(path);
            if (historyPath.matches()) {
                return Optional.of(only("GET", request, () -> history(historyPath.group(1), request)));
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
        } catch (RequestRefused e) {
            return Optional.of(HoldRoutes.refused(e));
        } catch (StoreUnavailableException e) {
            LOG.error("store unavailable; answering 503", e, "path", path);
            return Optional.of(ApiResponse.unavailable("the budget store cannot be reached; retry later",
                    RETRY_AFTER_SECONDS));
        }
    }

    private ApiResponse headroom(ApiRequest request) {
        long started = System.nanoTime();
        QueryParameters query = QueryParameters.parse(request.rawQuery(), Set.of("budget", "estimate_usd",
                "api_key_id", "workspace_id", "model"));
        Optional<String> name = query.get("budget").map(BudgetRoutes::validName);
        BigDecimal estimate = estimate(query.get("estimate_usd"));
        RunScope scope = new RunScope(
                scopeValue(query, "api_key_id", BudgetJson.API_KEY, "an API key id (apikey_...)"),
                scopeValue(query, "workspace_id", BudgetJson.WORKSPACE, "'default' or a workspace id (wrkspc_...)"),
                scopeValue(query, "model", BudgetJson.MODEL, "a model id such as claude-opus-4-6"));
        if (name.isPresent() && !scope.isEmpty()) {
            throw new BadRequest("give budget, or a scope (api_key_id, workspace_id, model), not both");
        }
        if (!scope.isEmpty()) {
            RunScope resolved = headroom.resolve(scope);
            List<HeadroomAnswer> answers = headroom.answerFor(resolved, estimate);
            evaluateAlerts(answers);
            ApiResponse response = ApiResponse.json(200, HeadroomJson.scoped(resolved, answers, estimate));
            metrics.headroomCall(HeadroomService.overall(answers).id(), Duration.ofNanos(System.nanoTime() - started));
            return response;
        }
        if (name.isPresent()) {
            Optional<HeadroomAnswer> found = headroom.answer(name.get(), estimate);
            if (found.isEmpty()) {
                return ApiResponse.notFound("no budget named '" + name.get() + "'");
            }
            HeadroomAnswer answer = found.get();
            evaluateAlerts(List.of(answer));
            ApiResponse response = ApiResponse.json(200, HeadroomJson.answer(answer));
            metrics.headroomCall(answer.decision().id(), Duration.ofNanos(System.nanoTime() - started));
            return response;
        }
        List<HeadroomAnswer> answers = headroom.answerAll(estimate);
        evaluateAlerts(answers);
        ApiResponse response = ApiResponse.json(200, HeadroomJson.all(answers, estimate));
        metrics.headroomCall(HeadroomService.overall(answers).id(), Duration.ofNanos(System.nanoTime() - started));
        return response;
    }

    /**
     * Thresholds are checked on every headroom answer; a failed alert never changes the answer. The failure is
     * handled by design (the claim's lease lets a later check or ingest send it): logged, and counted in
     * {@link HandledFailures}, which {@code GET /v1/health} shows.
     */
    private void evaluateAlerts(List<HeadroomAnswer> answers) {
        for (HeadroomAnswer answer : answers) {
            try {
                alerts.evaluate(answer);
            } catch (RuntimeException e) {
                long count = HandledFailures.record(HandledFailures.Kind.ALERTS_DURING_HEADROOM);
                LOG.error("threshold alert failed during a headroom check; a later check or ingest retries it", e,
                        "budget", answer.budget().name(), "failure_handled",
                        HandledFailures.Kind.ALERTS_DURING_HEADROOM.id(), "handled_so_far", count);
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

    private static Optional<String> scopeValue(QueryParameters query, String name, Pattern pattern, String rule) {
        Optional<String> value = query.get(name);
        if (value.isPresent() && !pattern.matcher(value.get()).matches()) {
            throw new BadRequest(name + " must be " + rule);
        }
        return value;
    }

    static void limitBody(ApiRequest request) {
        if (request.body().length > MAX_BODY) {
            throw new BadRequest("the body is larger than " + MAX_BODY + " bytes");
        }
    }

    private ApiResponse putBudget(String name, ApiRequest request) {
        validName(name);
        QueryParameters.parse(request.rawQuery(), Set.of());
        limitBody(request);
        if (request.body().length == 0) {
            throw new BadRequest("the body must be a JSON budget, e.g. {\"limit_usd\": 100, \"period\": \"monthly\"}");
        }
        Budget budget = BudgetJson.fromJson(name, request.body()).withUpdatedAt(clock.instant());
        BudgetChange change = record(name, Optional.of(budget), request);
        LOG.info("budget saved", "budget", name, "limit_usd", budget.limitUsd(), "period", budget.period().id(),
                "who", change.who());
        return ApiResponse.json(change.before().isPresent() ? 200 : 201, BudgetJson.toJson(budget));
    }

    private ApiResponse deleteBudget(String name, ApiRequest request) {
        validName(name);
        QueryParameters.parse(request.rawQuery(), Set.of());
        if (budgets.current(name).budget().isEmpty()) {
            return ApiResponse.notFound("no budget named '" + name + "'");
        }
        BudgetChange change = record(name, Optional.empty(), request);
        if (change.before().isEmpty()) {
            return ApiResponse.notFound("no budget named '" + name + "'");
        }
        LOG.info("budget deleted", "budget", name, "who", change.who());
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("deleted", name);
        return ApiResponse.json(200, root);
    }

    /**
     * Writes (or, with {@code after} empty, deletes) the budget together with the record of who changed it from what,
     * retrying when another change came in between; then sends the notice a loosening change calls for. A failed
     * notice is logged and never undoes the change.
     */
    private BudgetChange record(String name, Optional<Budget> after, ApiRequest request) {
        String who = request.iamCaller().orElse(LOCAL_CALLER);
        for (int attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
            BudgetStore.Current current = budgets.current(name);
            if (after.isEmpty() && current.budget().isEmpty()) {
                return new BudgetChange(name, "none", clock.instant(), who, Optional.empty(), Optional.empty());
            }
            java.time.Instant at = clock.instant();
            BudgetChange change = new BudgetChange(name, BudgetChange.newId(at), at, who, current.budget(), after);
            if (budgets.change(change, current.revision())) {
                try {
                    changeNotices.changed(change);
                } catch (RuntimeException e) {
                    LOG.error("the notice of a budget change failed; the change itself is recorded", e,
                            "budget", name);
                }
                return change;
            }
        }
        throw new RequestRefused(RequestRefused.Kind.CONFLICT, "budget '" + name + "' is being changed by someone "
                + "else at the same time; read it again and retry");
    }

    private ApiResponse history(String name, ApiRequest request) {
        validName(name);
        QueryParameters.parse(request.rawQuery(), Set.of());
        List<BudgetChange> changes = budgets.history(name);
        if (changes.isEmpty() && budgets.get(name).isEmpty()) {
            return ApiResponse.notFound("no budget named '" + name + "' and no recorded changes");
        }
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("budget", name);
        ArrayNode list = root.putArray("changes");
        for (BudgetChange change : changes) {
            ObjectNode item = list.addObject();
            item.put("at", change.at().toString());
            item.put("who", change.who());
            item.put("action", change.action());
            if (change.before().isPresent()) {
                item.set("before", BudgetJson.toJson(change.before().get()));
            } else {
                item.putNull("before");
            }
            if (change.after().isPresent()) {
                item.set("after", BudgetJson.toJson(change.after().get()));
            } else {
                item.putNull("after");
            }
        }
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

    /** The route, when the request uses {@code method}; else 405 naming it. */
    static ApiResponse only(String method, ApiRequest request, java.util.function.Supplier<ApiResponse> route) {
        return method.equals(request.method()) ? route.get() : methodNotAllowed(method);
    }

    static ApiResponse methodNotAllowed(String allowed) {
        ApiResponse base = ApiResponse.error(405, "method_not_allowed", "allowed methods: " + allowed);
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(base.headers());
        headers.put("allow", allowed);
        return new ApiResponse(405, headers, base.body());
    }
}
