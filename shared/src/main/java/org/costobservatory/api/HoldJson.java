package org.costobservatory.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.costobservatory.budget.HoldService;
import org.costobservatory.domain.Decimals;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.RunScope;
import org.costobservatory.json.Json;
import org.costobservatory.store.Hold;

/**
 * The wire format of holds: request bodies read strictly (unknown fields refused, every decimal bounded right after it
 * is read), and holds rendered back.
 */
final class HoldJson {
    static final Pattern RUN_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
    static final Pattern RUN_CLASS = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    static final Pattern HOLD_ID = Pattern.compile("^hold_[0-9a-f]{32}$");
    static final Duration DEFAULT_TTL = Duration.ofSeconds(900);
    static final long MAX_TTL_SECONDS = 86_400;
    private static final BigDecimal MAX_USD = new BigDecimal("1000000000");
    private static final Set<String> HOLD_FIELDS = Set.of("budget", "api_key_id", "workspace_id", "model",
            "estimate_usd", "ttl_seconds", "run_id", "run_class");
    private static final Set<String> SETTLE_FIELDS = Set.of("actual_usd", "ended_at");

    private HoldJson() {
    }

    /** A {@code POST /v1/holds} body. */
    static HoldService.Request request(byte[] body) {
        JsonNode root = object(body, "{\"budget\": \"team-agents\", \"estimate_usd\": 2.50, \"run_id\": \"run-1\"}");
        known(root, HOLD_FIELDS, "hold");
        Optional<String> budget = text(root, "budget", BudgetJson.NAME, "must be 1 to 64 characters of a-z, 0-9 and '-'");
        RunScope scope = new RunScope(
                text(root, "api_key_id", BudgetJson.API_KEY, "must be an API key id (apikey_...)"),
                text(root, "workspace_id", BudgetJson.WORKSPACE, "must be 'default' or a workspace id (wrkspc_...)"),
                text(root, "model", BudgetJson.MODEL, "must be a model id such as claude-opus-4-6"));
        if (budget.isPresent() && !scope.isEmpty()) {
            throw new InvalidFieldException("budget", "give a budget or a scope (api_key_id, workspace_id, model), "
                    + "not both");
        }
        if (budget.isEmpty() && scope.isEmpty()) {
            throw new InvalidFieldException("budget", "is required, or a scope: api_key_id, workspace_id, model");
        }
        Optional<String> runId = text(root, "run_id", RUN_ID, "must be 1 to 128 characters of A-Z, a-z, 0-9, '.', "
                + "'_', ':' and '-'");
        if (runId.isEmpty()) {
            throw new InvalidFieldException("run_id", "is required: your own id for the run, so that a retried "
                    + "request finds the same hold");
        }
        Optional<String> runClass = text(root, "run_class", RUN_CLASS, "must be 1 to 64 characters of A-Z, a-z, "
                + "0-9, '.', '_' and '-'");
        Optional<BigDecimal> estimate = usd(root, "estimate_usd");
        if (estimate.isPresent() && estimate.get().signum() <= 0) {
            throw new InvalidFieldException("estimate_usd", "must be more than 0");
        }
        if (estimate.isEmpty() && runClass.isEmpty()) {
            throw new InvalidFieldException("estimate_usd", "is required unless run_class is given");
        }
        Duration ttl = DEFAULT_TTL;
        JsonNode ttlNode = root.get("ttl_seconds");
        if (ttlNode != null && !ttlNode.isNull()) {
            if (!ttlNode.isIntegralNumber() || !ttlNode.canConvertToLong() || ttlNode.asLong() < 1
                    || ttlNode.asLong() > MAX_TTL_SECONDS) {
                throw new InvalidFieldException("ttl_seconds", "must be a whole number of seconds from 1 to "
                        + MAX_TTL_SECONDS);
            }
            ttl = Duration.ofSeconds(ttlNode.asLong());
        }
        return new HoldService.Request(budget, scope, estimate, ttl, runId.get(), runClass);
    }

    /** A {@code POST /v1/holds/{id}/settle} body: an optional actual cost and end time. An empty body is {}. */
    record Settle(Optional<BigDecimal> actualUsd, Optional<Instant> endedAt) {
    }

    static Settle settle(byte[] body) {
        if (body.length == 0) {
            return new Settle(Optional.empty(), Optional.empty());
        }
        JsonNode root = object(body, "{\"actual_usd\": 1.84}");
        known(root, SETTLE_FIELDS, "settle");
        Optional<BigDecimal> actual = usd(root, "actual_usd");
        if (actual.isPresent() && actual.get().signum() < 0) {
            throw new InvalidFieldException("actual_usd", "must be 0 or more");
        }
        Optional<Instant> ended = Optional.empty();
        JsonNode endedNode = root.get("ended_at");
        if (endedNode != null && !endedNode.isNull()) {
            if (!endedNode.isTextual() || endedNode.asText().length() > 40) {
                throw new InvalidFieldException("ended_at", "must be a time such as 2026-11-24T10:40:00Z");
            }
            try {
                ended = Optional.of(Instant.parse(endedNode.asText()));
            } catch (DateTimeParseException e) {
                throw new InvalidFieldException("ended_at", "must be a time such as 2026-11-24T10:40:00Z");
            }
        }
        return new Settle(actual, ended);
    }

    private static JsonNode object(byte[] body, String example) {
        if (body.length == 0) {
            throw new InvalidFieldException("body", "must be a JSON object such as " + example);
        }
        JsonNode root = BudgetJson.readBody(body);
        if (root == null || !root.isObject()) {
            throw new InvalidFieldException("body", "must be a JSON object such as " + example);
        }
        return root;
    }

    private static void known(JsonNode root, Set<String> fields, String what) {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!fields.contains(field)) {
                throw new InvalidFieldException(printable(field), "is not a " + what + " field (known: "
                        + String.join(", ", fields.stream().sorted().toList()) + ")");
            }
        }
    }

    private static Optional<String> text(JsonNode root, String field, Pattern pattern, String rule) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || !pattern.matcher(value.asText()).matches()) {
            throw new InvalidFieldException(field, rule);
        }
        return Optional.of(value.asText());
    }

    /** US dollars below 1e10 with at most 6 decimals, bounded before anything else looks at them; at most 1e9. */
    private static Optional<BigDecimal> usd(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        BigDecimal amount;
        try {
            if (value.isNumber()) {
                amount = Decimals.bounded(value.decimalValue(), 10, 6);
            } else if (value.isTextual()) {
                amount = Decimals.parse(value.asText().trim(), 10, 6);
            } else {
                throw new InvalidFieldException(field, "must be a number");
            }
        } catch (Decimals.OutOfBounds e) {
            throw new InvalidFieldException(field, e.getMessage());
        }
        if (amount.compareTo(MAX_USD) > 0) {
            throw new InvalidFieldException(field, "must be at most 1000000000");
        }
        return Optional.of(amount);
    }

    /** Echo only short, plain names back; anything else is described, not repeated. */
    private static String printable(String name) {
        return name.length() <= 40 && name.matches("[A-Za-z0-9_.-]*") ? name : "(unprintable field)";
    }

    // ------------------------------------------------------------------ rendering

    /** Dollars with at least two decimals, exactly as stored otherwise (an estimate may carry six). */
    static BigDecimal usd(BigDecimal value) {
        BigDecimal plain = Money.normalize(value);
        return plain.scale() < 2 ? plain.setScale(2) : plain;
    }

    static ObjectNode hold(Hold hold, Instant now) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("hold_id", hold.holdId());
        node.put("run_id", hold.runId());
        node.put("state", hold.stateAt(now));
        node.put("decision", hold.decision());
        node.put("estimate_usd", usd(hold.estimateUsd()));
        node.put("estimate_basis", hold.estimateBasis());
        hold.runClass().ifPresent(runClass -> node.put("run_class", runClass));
        node.put("created_at", hold.createdAt().toString());
        node.put("expires_at", hold.expiresAt().toString());
        hold.actualUsd().ifPresent(actual -> node.put("actual_usd", usd(actual)));
        hold.actualBasis().ifPresent(basis -> node.put("actual_basis", basis));
        hold.endedAt().ifPresent(ended -> node.put("ended_at", ended.toString()));
        hold.closedAt().ifPresent(closed -> node.put(Hold.SETTLED.equals(hold.state()) ? "settled_at"
                : "released_at", closed.toString()));
        return node;
    }

    static ObjectNode granted(HoldService.Granted granted, Instant now) {
        ObjectNode node = hold(granted.hold(), now);
        node.put("repeated", granted.repeated());
        if (!granted.scope().isEmpty()) {
            ObjectNode scope = node.putObject("scope");
            granted.scope().toMap().forEach(scope::put);
        }
        HeadroomJson.list(node, granted.answers());
        return node;
    }

    static ObjectNode refused(HoldService.Refused refused) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("decision", "deny");
        node.put("blocking_budget", refused.blocking().budget().name());
        node.put("estimate_usd", usd(refused.estimateUsd()));
        node.put("estimate_basis", refused.estimateBasis());
        if (!refused.scope().isEmpty()) {
            ObjectNode scope = node.putObject("scope");
            refused.scope().toMap().forEach(scope::put);
        }
        HeadroomJson.list(node, refused.answers());
        return node;
    }

    static ObjectNode settled(Hold hold, Instant now) {
        ObjectNode node = hold(hold, now);
        ArrayNode budgets = node.putArray("budgets");
        hold.budgets().forEach(budgets::add);
        return node;
    }

    static ObjectNode active(List<HoldService.ActiveHold> holds) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("holds");
        for (HoldService.ActiveHold hold : holds) {
            ObjectNode item = list.addObject();
            item.put("hold_id", hold.entry().holdId());
            item.put("run_id", hold.entry().runId());
            ArrayNode budgets = item.putArray("budgets");
            hold.budgets().forEach(budgets::add);
            item.put("estimate_usd", usd(hold.entry().estimateUsd()));
            hold.entry().runClass().ifPresent(runClass -> item.put("run_class", runClass));
            item.put("created_at", hold.entry().createdAt().toString());
            item.put("expires_at", hold.entry().expiresAt().toString());
        }
        return root;
    }
}
