package org.costobservatory.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;
import org.costobservatory.budget.Decision;
import org.costobservatory.budget.Forecast;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.Spend;
import org.costobservatory.domain.RunScope;
import org.costobservatory.json.Json;

/** The headroom answer's wire format: one budget's answer, and the answer for every budget at once. */
final class HeadroomJson {
    private HeadroomJson() {
    }

    /**
     * Several budgets, most constrained first, under the most restrictive decision and the budget that decided it
     * ({@code null} on allow).
     */
    static ObjectNode all(List<HeadroomAnswer> answers, BigDecimal estimateUsd) {
        ObjectNode root = Json.mapper().createObjectNode();
        Decision overall = HeadroomService.overall(answers);
        root.put("decision", overall.id());
        blocking(root, answers);
        root.put("estimate_usd", estimateUsd.setScale(2, RoundingMode.HALF_UP));
        list(root, answers);
        return root;
    }

    /** The budgets that contain a run's scope, as {@link #all}, with the scope they were chosen for. */
    static ObjectNode scoped(RunScope scope, List<HeadroomAnswer> answers, BigDecimal estimateUsd) {
        ObjectNode root = all(answers, estimateUsd);
        ObjectNode scopeNode = Json.mapper().createObjectNode();
        scope.toMap().forEach(scopeNode::put);
        root.remove("budgets");
        root.set("scope", scopeNode);
        list(root, answers);
        return root;
    }

    static void blocking(ObjectNode root, List<HeadroomAnswer> answers) {
        HeadroomService.blocking(answers).ifPresentOrElse(
                answer -> root.put("blocking_budget", answer.budget().name()), () -> root.putNull("blocking_budget"));
    }

    static void list(ObjectNode root, List<HeadroomAnswer> answers) {
        ArrayNode list = root.putArray("budgets");
        answers.forEach(answer -> list.add(answer(answer)));
    }

    /** The documented JSON shape (snake_case; money as JSON numbers in USD with two decimals). */
    static ObjectNode answer(HeadroomAnswer answer) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("budget", answer.budget().name());
        node.put("decision", answer.decision().id());
        node.put("limit_usd", answer.budget().limitUsd().setScale(2, RoundingMode.HALF_UP));
        node.put("spent_usd", answer.spentUsd());
        node.put("settled_usd", answer.settledUsd());
        node.put("provisional_usd", answer.provisionalUsd());
        node.put("estimate_usd", answer.estimateUsd());
        node.put("held_usd", answer.heldUsd());
        node.put("recent_usd", answer.recentUsd());
        node.put("remaining_usd", answer.remainingUsd());
        node.put("percent_used", answer.percentUsed());
        forecast(node, answer.forecast());
        ObjectNode window = node.putObject("period");
        window.put("type", answer.budget().period().id());
        window.put("start", answer.period().startText());
        window.put("end", answer.period().endText());
        window.put("time_zone", answer.budget().timeZone().getId());
        node.put("resets_at", answer.period().endText());
        if (answer.settledThrough().isPresent()) {
            node.put("settled_through", answer.settledThrough().get().toString());
        } else {
            node.putNull("settled_through");
        }
        if (answer.dataAsOf().isPresent()) {
            node.put("data_as_of", answer.dataAsOf().get().toString());
        } else {
            node.putNull("data_as_of");
        }
        node.put("stale", answer.stale());
        ArrayNode crossed = node.putArray("thresholds_crossed");
        answer.thresholdsCrossed().forEach(crossed::add);
        node.put("basis", answer.basis());
        // Kept at the top level for clients that read it before "pricing" existed; the same list as pricing's.
        ArrayNode unpriced = node.putArray("unpriced_models");
        answer.pricing().unpricedModels().forEach(unpriced::add);
        ObjectNode pricing = node.putObject("pricing");
        answer.pricing().calibratedModels().forEach(pricing.putArray("calibrated_models")::add);
        answer.pricing().listPricedModels().forEach(pricing.putArray("list_priced_models")::add);
        answer.pricing().unpricedModels().forEach(pricing.putArray("unpriced_models")::add);
        node.put("priority_tier_usd", answer.priorityTierUsd());
        node.put("warn_percent", answer.budget().warnPercent());
        ObjectNode scope = node.putObject("scope");
        answer.budget().scope().toMap().forEach(scope::put);
        node.put("notes", notes(answer));
        return node;
    }

    /** The end-of-period forecast: null figures when there is nothing to forecast from yet. */
    private static void forecast(ObjectNode node, Forecast forecast) {
        putOrNull(node, "forecast_usd", forecast.forecastUsd());
        putOrNull(node, "forecast_low_usd", forecast.lowUsd());
        putOrNull(node, "forecast_high_usd", forecast.highUsd());
        if (forecast.exhaustedAt().isPresent()) {
            node.put("exhausted_at", forecast.exhaustedAt().get().toString());
        } else {
            node.putNull("exhausted_at");
        }
        node.put("forecast_method", forecast.method());
    }

    private static void putOrNull(ObjectNode node, String field, Optional<BigDecimal> value) {
        if (value.isPresent()) {
            node.put(field, value.get());
        } else {
            node.putNull(field);
        }
    }

    /** Plain words on how the figures were made, for people reading the JSON. */
    static String notes(HeadroomAnswer answer) {
        StringBuilder text = new StringBuilder();
        if (Spend.BASIS_ESTIMATED.equals(answer.basis())) {
            text.append("API-key budgets are estimated: the cost report has no API-key dimension, so all spend is "
                    + "usage at the prices learned from the bill where known, else at list price.");
        } else {
            text.append("settled = cost report for complete UTC days");
            if (answer.priorityTierUsd().signum() != 0) {
                text.append(" plus Priority Tier usage at list price (absent from the cost report)");
            }
            text.append("; provisional = usage since then, at the prices learned from the bill where known, else at "
                    + "list price.");
        }
        if (answer.heldUsd().signum() != 0 || answer.recentUsd().signum() != 0) {
            text.append(" Active holds (held) and runs settled since the newest stored usage (recent) count with "
                    + "the spend.");
        }
        if (answer.apportioned()) {
            text.append(" The period starts or ends inside a UTC day; those days were split by hourly usage.");
        }
        if (answer.stale()) {
            text.append(" Data is stale: the newest stored usage is older than the configured bound.");
        }
        if (!answer.pricing().unpricedModels().isEmpty()) {
            text.append(" Models without a list price and not yet learned from a settled day were counted at the "
                    + "price of the most expensive current model of their family.");
        }
        switch (answer.forecast().method()) {
            case Forecast.WEEKLY_TREND -> text.append(" Forecast: weekday rhythm and recent trend of ")
                    .append(answer.forecast().historyDays()).append(" complete days, 80 % interval.");
            case Forecast.LAST_WEEK -> text.append(" Forecast: the mean of the last 7 complete days (under two "
                    + "weeks of history), 80 % interval.");
            case Forecast.RUN_RATE -> text.append(" Forecast: run rate of the period so far (under a week of "
                    + "history), 80 % interval.");
            default -> text.append(" No forecast yet: under an hour of data in the period and under a week of "
                    + "history.");
        }
        return text.toString();
    }
}
