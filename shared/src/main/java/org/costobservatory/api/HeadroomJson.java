package org.costobservatory.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.costobservatory.budget.Decision;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.Spend;
import org.costobservatory.json.Json;

/** The headroom answer's wire format: one budget's answer, and the answer for every budget at once. */
final class HeadroomJson {
    private HeadroomJson() {
    }

    /** The decision of a call without a budget: the most restrictive of all; allow when there are no budgets. */
    static Decision mostRestrictive(List<HeadroomAnswer> answers) {
        return answers.stream().map(HeadroomAnswer::decision).max(Enum::compareTo).orElse(Decision.ALLOW);
    }

    /** Every budget, most constrained first, under the most restrictive decision. */
    static ObjectNode all(List<HeadroomAnswer> answers, BigDecimal estimateUsd) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("decision", mostRestrictive(answers).id());
        root.put("estimate_usd", estimateUsd.setScale(2, RoundingMode.HALF_UP));
        ArrayNode list = root.putArray("budgets");
        answers.forEach(answer -> list.add(answer(answer)));
        return root;
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
        node.put("remaining_usd", answer.remainingUsd());
        node.put("percent_used", answer.percentUsed());
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
        ArrayNode unpriced = node.putArray("unpriced_models");
        answer.unpricedModels().forEach(unpriced::add);
        node.put("priority_tier_usd", answer.priorityTierUsd());
        node.put("warn_percent", answer.budget().warnPercent());
        ObjectNode scope = node.putObject("scope");
        answer.budget().scope().toMap().forEach(scope::put);
        node.put("notes", notes(answer));
        return node;
    }

    /** Plain words on how the figures were made, for people reading the JSON. */
    static String notes(HeadroomAnswer answer) {
        StringBuilder text = new StringBuilder();
        if (Spend.BASIS_ESTIMATED.equals(answer.basis())) {
            text.append("API-key budgets are estimated: the cost report has no API-key dimension, so all spend is "
                    + "usage at list price.");
        } else {
            text.append("settled = cost report for complete UTC days");
            if (answer.priorityTierUsd().signum() != 0) {
                text.append(" plus Priority Tier usage at list price (absent from the cost report)");
            }
            text.append("; provisional = usage at list price since then.");
        }
        if (answer.apportioned()) {
            text.append(" The period starts or ends inside a UTC day; those days were split by hourly usage.");
        }
        if (answer.stale()) {
            text.append(" Data is stale: the newest stored usage is older than the configured bound.");
        }
        if (!answer.unpricedModels().isEmpty()) {
            text.append(" Models without a price were counted at the most expensive known model's price.");
        }
        return text.toString();
    }
}
