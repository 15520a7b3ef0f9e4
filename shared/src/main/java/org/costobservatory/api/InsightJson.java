package org.costobservatory.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.costobservatory.domain.Money;
import org.costobservatory.insight.AnomalyDetector;
import org.costobservatory.insight.Insights;
import org.costobservatory.json.Json;
import org.costobservatory.store.Anomaly;
import org.costobservatory.store.AnomalyStore;

/** The wire format of insights and anomalies: USD rounded to cents beside the exact cents, shares from 0 to 1. */
public final class InsightJson {
    private InsightJson() {
    }

    public static ObjectNode insights(Insights.Report report) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("from", report.from().toString());
        root.put("to", report.to().toString());
        ObjectNode previous = root.putObject("previous");
        previous.put("from", report.previousFrom().toString());
        previous.put("to", report.previousTo().toString());
        if (report.scope().isPresent()) {
            root.put("scope", report.scope().get().text());
        } else {
            root.putNull("scope");
        }
        root.put("basis", "usage_at_list_price");
        root.put("currency", "USD");
        money(root, "total", report.totalCents());
        money(root, "previous_total", report.previousTotalCents());
        change(root, report.totalCents(), report.previousTotalCents());
        root.put("rows", report.rows());
        ObjectNode top = root.putObject("top");
        lines(top.putArray("api_keys"), report.apiKeys());
        lines(top.putArray("workspaces"), report.workspaces());
        lines(top.putArray("models"), report.models());

        Insights.Cache cache = report.cache();
        ObjectNode cacheNode = root.putObject("cache");
        cacheNode.put("hit_rate", share(cache.hitRate()));
        cacheNode.put("previous_hit_rate", share(cache.previousHitRate()));
        cacheNode.put("read_tokens", cache.readTokens());
        cacheNode.put("uncached_input_tokens", cache.uncachedInputTokens());
        cacheNode.put("write_5m_tokens", cache.write5mTokens());
        cacheNode.put("write_1h_tokens", cache.write1hTokens());
        money(cacheNode, "uncached_input", cache.uncachedInputCents());
        money(cacheNode, "miss_premium", cache.missPremiumCents());
        cacheNode.put("note", "hit rate = cache reads / all input tokens; uncached input is what cache misses were "
                + "billed; the miss premium is what that input cost above the cache-read price (an upper bound: "
                + "not all input can be cached)");

        Insights.Batch batch = report.batch();
        ObjectNode batchNode = root.putObject("batch");
        money(batchNode, "batch", batch.cents());
        batchNode.put("share_of_spend", share(batch.shareOfSpend()));
        batchNode.put("share_of_tokens", share(batch.shareOfTokens()));
        batchNode.put("previous_share_of_spend", share(batch.previousShareOfSpend()));

        ArrayNode whatIfs = root.putArray("what_if");
        for (Insights.WhatIf whatIf : report.whatIfs()) {
            ObjectNode node = whatIfs.addObject();
            node.put("id", whatIf.id());
            node.put("label", whatIf.label());
            node.put("estimate", true);
            money(node, "saving", whatIf.savingCents());
            node.put("assumptions", whatIf.assumptions());
            ArrayNode details = node.putArray("details");
            for (Insights.Detail detail : whatIf.details()) {
                ObjectNode d = details.addObject();
                d.put("from", detail.from());
                d.put("to", detail.to());
                money(d, "saving", detail.savingCents());
            }
        }
        ArrayNode missing = root.putArray("missing_days");
        report.missingDays().forEach(day -> missing.add(day.toString()));
        return root;
    }

    public static ObjectNode anomalies(LocalDate from, LocalDate to, List<AnomalyStore.AnomalyDay> days,
                                       Optional<String> kind, Instant now) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("from", from.toString());
        root.put("to", to.toString());
        root.put("rule", "a settled UTC day above " + AnomalyDetector.FACTOR + "x the mean of the "
                + AnomalyDetector.TRAILING_DAYS + " days before and above the floor, per workspace, API key and "
                + "model");
        ArrayNode list = root.putArray("anomalies");
        ArrayNode evaluated = root.putArray("evaluated_days");
        for (AnomalyStore.AnomalyDay day : days) {
            ObjectNode d = evaluated.addObject();
            d.put("date", day.date().toString());
            d.put("evaluated_at", day.evaluatedAt().toString());
            d.put("floor_usd", Money.roundUsd(day.floorUsd()));
            d.put("anomalies", day.anomalies().size());
            for (Anomaly anomaly : day.anomalies()) {
                if (kind.isEmpty() || kind.get().equals(anomaly.kind())) {
                    list.add(anomaly(anomaly));
                }
            }
        }
        root.put("generated_at", now.toString());
        return root;
    }

    public static ObjectNode anomaly(Anomaly anomaly) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("date", anomaly.date().toString());
        node.put("kind", anomaly.kind());
        node.put("id", anomaly.id());
        node.put("name", anomaly.name());
        money(node, "spent", anomaly.spentCents());
        node.put("baseline_usd", Money.centsToRoundedUsd(anomaly.baselineCents()));
        if (anomaly.baselineCents().signum() == 0) {
            node.putNull("ratio");
        } else {
            node.put("ratio", anomaly.spentCents().divide(anomaly.baselineCents(), 2, RoundingMode.HALF_UP));
        }
        ArrayNode reasons = node.putArray("reasons");
        for (Anomaly.Reason reason : anomaly.reasons()) {
            ObjectNode r = reasons.addObject();
            r.put("kind", reason.kind());
            reason.subject().ifPresent(v -> r.put("subject", v));
            reason.before().ifPresent(v -> r.put("before", v));
            reason.after().ifPresent(v -> r.put("after", v));
            reason.unit().ifPresent(v -> r.put("unit", v));
            r.put("text", reason.text());
        }
        return node;
    }

    private static void lines(ArrayNode array, List<Insights.Line> lines) {
        for (Insights.Line line : lines) {
            ObjectNode node = array.addObject();
            node.put("key", line.key());
            node.put("name", line.name());
            money(node, "spent", line.cents());
            money(node, "previous", line.previousCents());
            change(node, line.cents(), line.previousCents());
        }
    }

    /** {@code <field>_usd} rounded to cents and {@code <field>_cents} exact. */
    private static void money(ObjectNode node, String field, BigDecimal cents) {
        node.put(field + "_usd", Money.centsToRoundedUsd(cents));
        node.put(field + "_cents", Money.plain(cents));
    }

    private static void change(ObjectNode node, BigDecimal cents, BigDecimal previousCents) {
        node.put("change_usd", Money.centsToRoundedUsd(cents.subtract(previousCents)));
        if (previousCents.signum() == 0) {
            node.putNull("change_percent");
        } else {
            node.put("change_percent", cents.subtract(previousCents).multiply(BigDecimal.valueOf(100))
                    .divide(previousCents, 1, RoundingMode.HALF_UP));
        }
    }

    private static BigDecimal share(double value) {
        return BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_UP);
    }
}
