package org.costobservatory.budget;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.costobservatory.config.Json;

/**
 * The answer to "may I start this run?" for one budget. Money is USD rounded to cents, and
 * {@code spentUsd == settledUsd + provisionalUsd} holds exactly.
 */
public record HeadroomAnswer(Budget budget, Decision decision, BigDecimal spentUsd, BigDecimal settledUsd,
                             BigDecimal priorityTierUsd, BigDecimal provisionalUsd, BigDecimal estimateUsd,
                             BigDecimal remainingUsd, BigDecimal percentUsed, BigDecimal percentWithEstimate,
                             PeriodWindow period, Optional<LocalDate> settledThrough, Optional<Instant> dataAsOf,
                             boolean stale, List<BigDecimal> thresholdsCrossed, String basis,
                             List<String> unpricedModels, boolean apportioned) {

    public HeadroomAnswer {
        thresholdsCrossed = List.copyOf(thresholdsCrossed);
        unpricedModels = List.copyOf(unpricedModels);
    }

    /** The documented JSON shape (snake_case; money as JSON numbers in USD with two decimals). */
    public ObjectNode toJson() {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("budget", budget.name());
        node.put("decision", decision.id());
        node.put("limit_usd", budget.limitUsd().setScale(2, java.math.RoundingMode.HALF_UP));
        node.put("spent_usd", spentUsd);
        node.put("settled_usd", settledUsd);
        node.put("provisional_usd", provisionalUsd);
        node.put("estimate_usd", estimateUsd);
        node.put("remaining_usd", remainingUsd);
        node.put("percent_used", percentUsed);
        ObjectNode window = node.putObject("period");
        window.put("type", budget.period().id());
        window.put("start", period.startText());
        window.put("end", period.endText());
        window.put("time_zone", budget.timeZone().getId());
        node.put("resets_at", period.endText());
        if (settledThrough.isPresent()) {
            node.put("settled_through", settledThrough.get().toString());
        } else {
            node.putNull("settled_through");
        }
        if (dataAsOf.isPresent()) {
            node.put("data_as_of", dataAsOf.get().toString());
        } else {
            node.putNull("data_as_of");
        }
        node.put("stale", stale);
        ArrayNode crossed = node.putArray("thresholds_crossed");
        thresholdsCrossed.forEach(crossed::add);
        node.put("basis", basis);
        ArrayNode unpriced = node.putArray("unpriced_models");
        unpricedModels.forEach(unpriced::add);
        node.put("priority_tier_usd", priorityTierUsd);
        node.put("warn_percent", budget.warnPercent());
        ObjectNode scope = node.putObject("scope");
        budget.scope().toMap().forEach(scope::put);
        node.put("notes", notes());
        return node;
    }

    /** Plain words on how the figures were made, for people reading the JSON. */
    public String notes() {
        StringBuilder text = new StringBuilder();
        if (Spend.BASIS_ESTIMATED.equals(basis)) {
            text.append("API-key budgets are estimated: the cost report has no API-key dimension, so all spend is "
                    + "usage at list price.");
        } else {
            text.append("settled = cost report for complete UTC days");
            if (priorityTierUsd.signum() != 0) {
                text.append(" plus Priority Tier usage at list price (absent from the cost report)");
            }
            text.append("; provisional = usage at list price since then.");
        }
        if (apportioned) {
            text.append(" The period starts or ends inside a UTC day; those days were split by hourly usage.");
        }
        if (stale) {
            text.append(" Data is stale: the newest stored usage is older than the configured bound.");
        }
        if (!unpricedModels.isEmpty()) {
            text.append(" Models without a price were counted at the most expensive known model's price.");
        }
        return text.toString();
    }
}
