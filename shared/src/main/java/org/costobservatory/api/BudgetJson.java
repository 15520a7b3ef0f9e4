package org.costobservatory.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetPreset;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.Decimals;
import org.costobservatory.json.Json;

/**
 * A budget's wire format: reads a budget from a JSON tree (the HTTP API, and seed files once parsed), refusing
 * anything invalid with the field named, and renders it back. The same field names are used everywhere a budget is
 * shown.
 */
public final class BudgetJson {
    public static final Pattern NAME = Pattern.compile("^[a-z0-9-]{1,64}$");
    static final Pattern WORKSPACE = Pattern.compile("^(default|wrkspc_[A-Za-z0-9_-]{1,128})$");
    static final Pattern API_KEY = Pattern.compile("^apikey_[A-Za-z0-9_-]{1,128}$");
    static final Pattern MODEL = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$");
    private static final Set<String> FIELDS = Set.of("name", "limit_usd", "period", "time_zone", "scope",
            "thresholds_percent", "warn_percent", "preset", "seats", "reset_notice", "forecast_alert");
    /** Fields a client may echo back from a GET; they are ignored. */
    private static final Set<String> READ_ONLY = Set.of("updated_at", "scope_names");
    private static final Set<String> SCOPE_FIELDS = Set.of("workspace_id", "api_key_id", "model");
    private static final BigDecimal MAX_LIMIT = new BigDecimal("1000000000");
    private static final BigDecimal MAX_PERCENT = new BigDecimal("10000");
    private static final int MAX_THRESHOLDS = 10;

    private BudgetJson() {
    }

    /** Validates a name taken from a URL path. */
    public static String name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidFieldException("name", "must be 1 to 64 characters of a-z, 0-9 and '-'");
        }
        return name;
    }

    /** Parses a PUT body for the budget named in the path. */
    public static Budget fromJson(String pathName, byte[] body) {
        return fromNode(pathName, readBody(body));
    }

    /** A request body as JSON; a 400 naming the number that cannot be read, or saying the body is not JSON. */
    static JsonNode readBody(byte[] body) {
        try {
            return Json.readBody(body);
        } catch (Json.UnreadableNumber e) {
            throw new InvalidFieldException(e.field(), "must be a number within range");
        } catch (IOException e) {
            throw new InvalidFieldException("body", "is not valid JSON");
        }
    }

    public static Budget fromNode(String pathName, JsonNode root) {
        name(pathName);
        if (root == null || !root.isObject()) {
            throw new InvalidFieldException("body", "must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field) && !READ_ONLY.contains(field)) {
                throw new InvalidFieldException(InvalidFieldException.printable(field), "is not a budget field "
                        + "(known: limit_usd, period, time_zone, scope, thresholds_percent, warn_percent, preset, "
                        + "seats, reset_notice, forecast_alert)");
            }
        }
        if (root.has("name") && !pathName.equals(root.get("name").asText())) {
            throw new InvalidFieldException("name", "does not match the name in the path ('" + pathName + "')");
        }

        Optional<BudgetPreset> preset = Optional.empty();
        if (root.hasNonNull("preset")) {
            String id = text(root, "preset");
            preset = BudgetPreset.fromId(id);
            if (preset.isEmpty()) {
                throw new InvalidFieldException("preset", "must be one of " + BudgetPreset.ids());
            }
        }
        Optional<Integer> seats = Optional.empty();
        if (root.hasNonNull("seats")) {
            JsonNode node = root.get("seats");
            if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > 100_000) {
                throw new InvalidFieldException("seats", "must be a whole number from 1 to 100000");
            }
            seats = Optional.of(node.asInt());
        }

        BigDecimal limit;
        BudgetPeriod period;
        if (preset.isPresent()) {
            BudgetPreset chosen = preset.get();
            if (chosen.perSeat() && seats.isEmpty()) {
                throw new InvalidFieldException("seats", "is required by preset " + chosen.id());
            }
            if (!chosen.perSeat() && seats.isPresent()) {
                throw new InvalidFieldException("seats", "only applies to preset agent-sdk-team");
            }
            if (root.hasNonNull("period") && !chosen.period().id().equals(text(root, "period"))) {
                throw new InvalidFieldException("period", "preset " + chosen.id() + " is monthly");
            }
            limit = chosen.limitUsd(seats.orElse(1));
            period = chosen.period();
            // A budget read back from the API carries its limit; accept it when it is the preset's own.
            if (root.hasNonNull("limit_usd") && money(root, "limit_usd").compareTo(limit) != 0) {
                throw new InvalidFieldException("limit_usd", "preset " + chosen.id() + " sets it to "
                        + limit.toPlainString() + "; leave it out");
            }
        } else {
            if (seats.isPresent()) {
                throw new InvalidFieldException("seats", "only applies to preset agent-sdk-team");
            }
            if (!root.hasNonNull("limit_usd")) {
                throw new InvalidFieldException("limit_usd", "is required (or give a preset)");
            }
            limit = money(root, "limit_usd");
            if (limit.signum() <= 0 || limit.compareTo(MAX_LIMIT) > 0) {
                throw new InvalidFieldException("limit_usd", "must be more than 0 and at most 1000000000");
            }
            if (limit.stripTrailingZeros().scale() > 2) {
                throw new InvalidFieldException("limit_usd", "must be in whole cents (at most 2 decimals)");
            }
            if (!root.hasNonNull("period")) {
                throw new InvalidFieldException("period", "is required: daily, weekly or monthly");
            }
            try {
                period = BudgetPeriod.fromId(text(root, "period"));
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("period", e.getMessage());
            }
        }

        ZoneId zone = ZoneId.of("UTC");
        if (root.hasNonNull("time_zone")) {
            String id = text(root, "time_zone");
            if (!ZoneId.getAvailableZoneIds().contains(id)) {
                throw new InvalidFieldException("time_zone", "must be an IANA time zone such as UTC or "
                        + "Europe/Berlin");
            }
            zone = ZoneId.of(id);
        }

        BudgetScope scope = scope(root.get("scope"));
        List<BigDecimal> thresholds = thresholds(root.get("thresholds_percent"));
        BigDecimal warn = Budget.DEFAULT_WARN_PERCENT;
        if (root.hasNonNull("warn_percent")) {
            warn = percent(root.get("warn_percent"), "warn_percent");
            if (warn.signum() <= 0 || warn.compareTo(MAX_PERCENT) > 0) {
                throw new InvalidFieldException("warn_percent", "must be more than 0 and at most 10000");
            }
        }
        boolean resetNotice = true;
        if (root.hasNonNull("reset_notice")) {
            JsonNode value = root.get("reset_notice");
            if (!value.isBoolean()) {
                throw new InvalidFieldException("reset_notice", "must be true or false");
            }
            resetNotice = value.booleanValue();
        }
        boolean forecastAlert = true;
        if (root.hasNonNull("forecast_alert")) {
            JsonNode value = root.get("forecast_alert");
            if (!value.isBoolean()) {
                throw new InvalidFieldException("forecast_alert", "must be true or false");
            }
            forecastAlert = value.booleanValue();
        }
        Optional<Instant> updatedAt = Optional.empty();
        return new Budget(pathName, limit.stripTrailingZeros().scale() < 0 ? limit.setScale(0) : limit, period,
                zone, scope, thresholds, warn, preset.map(BudgetPreset::id), seats, updatedAt, resetNotice,
                forecastAlert);
    }

    private static BudgetScope scope(JsonNode node) {
        if (node == null || node.isNull()) {
            return BudgetScope.ORGANISATION;
        }
        if (!node.isObject()) {
            throw new InvalidFieldException("scope", "must be an object such as {} or {\"workspace_id\": \"default\"}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!SCOPE_FIELDS.contains(field)) {
                throw new InvalidFieldException("scope." + InvalidFieldException.printable(field),
                        "is not a scope field (known: workspace_id, api_key_id, model)");
            }
        }
        Optional<String> workspace = scopeValue(node, "workspace_id", WORKSPACE,
                "must be 'default' or a workspace id (wrkspc_...)");
        Optional<String> key = scopeValue(node, "api_key_id", API_KEY, "must be an API key id (apikey_...)");
        Optional<String> model = scopeValue(node, "model", MODEL, "must be a model id or prefix such as claude-opus");
        return new BudgetScope(workspace, key, model);
    }

    private static Optional<String> scopeValue(JsonNode scope, String field, Pattern pattern, String rule) {
        JsonNode value = scope.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || !pattern.matcher(value.asText()).matches()) {
            throw new InvalidFieldException("scope." + field, rule);
        }
        return Optional.of(value.asText());
    }

    private static List<BigDecimal> thresholds(JsonNode node) {
        if (node == null || node.isNull()) {
            return Budget.DEFAULT_THRESHOLDS;
        }
        if (!node.isArray()) {
            throw new InvalidFieldException("thresholds_percent", "must be a list of percentages");
        }
        ArrayNode array = (ArrayNode) node;
        if (array.size() > MAX_THRESHOLDS) {
            throw new InvalidFieldException("thresholds_percent", "may hold at most " + MAX_THRESHOLDS + " values");
        }
        List<BigDecimal> values = new ArrayList<>();
        for (JsonNode item : array) {
            BigDecimal value = percent(item, "thresholds_percent");
            if (value.signum() <= 0 || value.compareTo(MAX_PERCENT) > 0) {
                throw new InvalidFieldException("thresholds_percent", "values must be more than 0 and at most "
                        + "10000");
            }
            if (!values.isEmpty() && value.compareTo(values.get(values.size() - 1)) <= 0) {
                throw new InvalidFieldException("thresholds_percent", "must be in ascending order without repeats");
            }
            values.add(value.stripTrailingZeros().scale() < 0 ? value.setScale(0) : value.stripTrailingZeros());
        }
        return values;
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (!value.isTextual()) {
            throw new InvalidFieldException(field, "must be a string");
        }
        return value.asText();
    }

    /** US dollars: below 1e10, at most 6 decimals here (the whole-cents rule is checked with its own message). */
    private static BigDecimal money(JsonNode root, String field) {
        return number(root.get(field), field, 10, 6);
    }

    /**
     * Percentages: below 1e5, at most 3 decimals, so an alert's key (which shows three decimals) names exactly one
     * threshold.
     */
    private static BigDecimal percent(JsonNode value, String field) {
        return number(value, field, 5, 3);
    }

    /** Every decimal is bounded right after it is read, before any comparison, arithmetic or storage. */
    private static BigDecimal number(JsonNode value, String field, int maxIntegerDigits, int maxScale) {
        try {
            if (value.isNumber()) {
                return Decimals.bounded(value.decimalValue(), maxIntegerDigits, maxScale);
            }
            if (value.isTextual()) {
                return Decimals.parse(value.asText().trim(), maxIntegerDigits, maxScale);
            }
        } catch (Decimals.OutOfBounds e) {
            throw new InvalidFieldException(field, e.getMessage());
        }
        throw new InvalidFieldException(field, "must be a number");
    }

    /** The budget as the API and seed files show it. */
    public static ObjectNode toJson(Budget budget) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("name", budget.name());
        node.put("limit_usd", budget.limitUsd());
        node.put("period", budget.period().id());
        node.put("time_zone", budget.timeZone().getId());
        ObjectNode scope = node.putObject("scope");
        budget.scope().toMap().forEach(scope::put);
        ArrayNode thresholds = node.putArray("thresholds_percent");
        budget.thresholdsPercent().forEach(thresholds::add);
        node.put("warn_percent", budget.warnPercent());
        node.put("reset_notice", budget.resetNotice());
        node.put("forecast_alert", budget.forecastAlert());
        budget.preset().ifPresent(preset -> node.put("preset", preset));
        budget.seats().ifPresent(seats -> node.put("seats", seats));
        budget.updatedAt().ifPresent(at -> node.put("updated_at", at.toString()));
        return node;
    }
}
