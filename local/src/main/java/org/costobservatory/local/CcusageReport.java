package org.costobservatory.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.costobservatory.domain.Decimals;
import org.costobservatory.domain.Money;
import org.costobservatory.json.Json;

/**
 * ccusage's daily JSON report as client-side estimates: one record per day and Claude model (from
 * {@code modelBreakdowns}), or per day when a row has no breakdown. Both the Claude-only form
 * ({@code ccusage claude daily --json}, rows with {@code date}) and the all-agents form (rows with {@code period} and
 * {@code agent}) are read; other agents' models are skipped, since they are not on Anthropic's bill. Each record's
 * run id is {@code ccusage:<day>:<model>}, so importing a later report of the same day replaces the day's figures.
 */
final class CcusageReport {
    /** Costs arrive as binary floating point (0.0000049999999999999996); eight decimals of a dollar is plenty. */
    private static final int COST_SCALE = 8;
    private static final Set<String> OTHER_REPORTS = Set.of("monthly", "weekly", "session", "sessions", "blocks");

    /** The records and what was left out. */
    record Converted(byte[] jsonLines, int records, int skipped) {
    }

    private CcusageReport() {
    }

    static Converted toEstimateLines(byte[] json) {
        JsonNode root;
        try {
            root = Json.readBody(json);
        } catch (Json.UnreadableNumber e) {
            throw new LocalUsageException("the ccusage report has a number no decimal can hold (" + e.field() + ")");
        } catch (IOException e) {
            throw new LocalUsageException("the ccusage report is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new LocalUsageException("the ccusage report must be a JSON object with a 'daily' list");
        }
        if (!root.path("daily").isArray()) {
            boolean other = OTHER_REPORTS.stream().anyMatch(root::has);
            throw new LocalUsageException((other ? "this is not ccusage's daily report; " : "no 'daily' list; ")
                    + "export it with: ccusage claude daily --json --timezone UTC");
        }
        StringBuilder lines = new StringBuilder();
        int records = 0;
        int skipped = 0;
        int index = 0;
        for (JsonNode row : root.path("daily")) {
            String at = "daily[" + index++ + "]";
            if (!row.isObject()) {
                throw new LocalUsageException(at + ": must be an object");
            }
            String agent = row.path("agent").asText("claude");
            if (!agent.equals("claude") && !agent.equals("all")) {
                skipped++;
                continue;
            }
            LocalDate date = date(row, at);
            JsonNode breakdowns = row.path("modelBreakdowns");
            if (breakdowns.isArray() && !breakdowns.isEmpty()) {
                int b = 0;
                for (JsonNode breakdown : breakdowns) {
                    String where = at + ".modelBreakdowns[" + b++ + "]";
                    String model = breakdown.path("modelName").asText("");
                    if (!model.startsWith("claude")) {
                        skipped++;
                        continue;
                    }
                    lines.append(record(date, Optional.of(model), cost(breakdown.get("cost"), where + ".cost"),
                            breakdown, where)).append('\n');
                    records++;
                }
                continue;
            }
            Optional<String> model = Optional.empty();
            if (row.path("modelsUsed").isArray() && row.path("modelsUsed").size() == 1) {
                model = Optional.of(row.path("modelsUsed").get(0).asText()).filter(m -> m.startsWith("claude"));
            }
            JsonNode cost = row.has("totalCost") ? row.get("totalCost") : row.get("costUSD");
            lines.append(record(date, model, cost(cost, at + ".totalCost"), row, at)).append('\n');
            records++;
        }
        if (records == 0) {
            throw new LocalUsageException("the ccusage report holds no Claude usage");
        }
        return new Converted(lines.toString().getBytes(StandardCharsets.UTF_8), records, skipped);
    }

    private static String record(LocalDate date, Optional<String> model, BigDecimal cost, JsonNode counts,
                                 String at) {
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("time", date + "T00:00:00Z");
        record.put("cost_usd", cost);
        model.ifPresent(m -> record.put("model", m));
        record.put("run_id", "ccusage:" + date + ":" + model.orElse("all"));
        record.put("source", "ccusage");
        tokens(record, "input_tokens", counts.get("inputTokens"), at + ".inputTokens");
        tokens(record, "output_tokens", counts.get("outputTokens"), at + ".outputTokens");
        tokens(record, "cache_read_input_tokens", counts.get("cacheReadTokens"), at + ".cacheReadTokens");
        tokens(record, "cache_creation_input_tokens", counts.get("cacheCreationTokens"),
                at + ".cacheCreationTokens");
        return record.toString();
    }

    private static LocalDate date(JsonNode row, String at) {
        String text = row.has("date") ? row.path("date").asText("") : row.path("period").asText("");
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new LocalUsageException(at + ": needs a 'date' (or 'period') as YYYY-MM-DD; give the daily report");
        }
    }

    private static BigDecimal cost(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            throw new LocalUsageException(at + ": no cost; run ccusage without --no-cost");
        }
        if (!node.isNumber()) {
            throw new LocalUsageException(at + ": must be a number");
        }
        try {
            BigDecimal bounded = Decimals.bounded(node.decimalValue(), 7, 30);
            if (bounded.signum() < 0) {
                throw new LocalUsageException(at + ": must not be negative");
            }
            return Money.normalize(bounded.setScale(COST_SCALE, RoundingMode.HALF_EVEN));
        } catch (Decimals.OutOfBounds e) {
            throw new LocalUsageException(at + ": " + e.getMessage());
        }
    }

    private static void tokens(ObjectNode record, String field, JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isNumber()) {
            throw new LocalUsageException(at + ": must be a whole number of tokens");
        }
        try {
            BigDecimal value = Decimals.bounded(node.decimalValue(), 15, 0);
            if (value.signum() < 0) {
                throw new LocalUsageException(at + ": must be a whole number of tokens");
            }
            record.put(field, value.longValueExact());
        } catch (Decimals.OutOfBounds e) {
            throw new LocalUsageException(at + ": " + e.getMessage());
        }
    }
}
