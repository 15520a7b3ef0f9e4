package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.map;
import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.store.Hold;
import org.costobservatory.store.HoldLedger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A budget's hold ledger ({@code BUDGET} / {@code <name>#holds}): {@code version}, {@code holds} (hold id to its
 * entry) and {@code recent} (hold id to a settled run's cost). Written and read here only.
 */
final class HoldLedgerMapper {
    static final String VERSION = "version";

    private HoldLedgerMapper() {
    }

    static Map<String, AttributeValue> key(String budget) {
        return Dynamo.key(Keys.BUDGET, Keys.ledger(budget));
    }

    /** A new ledger holding one hold. */
    static Map<String, AttributeValue> firstItem(String budget, Hold hold, Instant now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.BUDGET));
        item.put(Keys.SK, s(Keys.ledger(budget)));
        item.put("budget", s(budget));
        item.put(VERSION, n(1));
        item.put("holds", map(Map.of(hold.holdId(), held(hold))));
        item.put("recent", map(Map.of()));
        item.put("updated_at", s(now.toString()));
        return item;
    }

    static AttributeValue held(Hold hold) {
        Map<String, AttributeValue> entry = new LinkedHashMap<>();
        entry.put("run_id", s(hold.runId()));
        entry.put("estimate_usd", Items.money(hold.estimateUsd()));
        entry.put("created_at", s(hold.createdAt().toString()));
        entry.put("expires_at", s(hold.expiresAt().toString()));
        hold.runClass().ifPresent(runClass -> entry.put("run_class", s(runClass)));
        return map(entry);
    }

    static AttributeValue recent(Hold settled) {
        Map<String, AttributeValue> entry = new LinkedHashMap<>();
        entry.put("run_id", s(settled.runId()));
        entry.put("actual_usd", Items.money(settled.actualUsd().orElseThrow()));
        entry.put("ended_at", s(settled.endedAt().orElseThrow().toString()));
        return map(entry);
    }

    static boolean isLedger(Map<String, AttributeValue> item) {
        return Items.str(item, Keys.SK).endsWith(Keys.LEDGER_SUFFIX);
    }

    static HoldLedger fromItem(String budget, Map<String, AttributeValue> item) {
        Map<String, HoldLedger.Held> holds = new LinkedHashMap<>();
        entries(item, "holds").forEach((id, entry) -> holds.put(id, new HoldLedger.Held(id,
                Items.str(entry, "run_id"), Items.dec(entry, "estimate_usd"),
                Instant.parse(Items.str(entry, "created_at")), Instant.parse(Items.str(entry, "expires_at")),
                Optional.ofNullable(Items.str(entry, "run_class")))));
        Map<String, HoldLedger.Recent> recent = new LinkedHashMap<>();
        entries(item, "recent").forEach((id, entry) -> recent.put(id, new HoldLedger.Recent(id,
                Items.str(entry, "run_id"), Items.dec(entry, "actual_usd"),
                Instant.parse(Items.str(entry, "ended_at")))));
        return new HoldLedger(budget, Items.num(item, VERSION), holds, recent);
    }

    private static Map<String, Map<String, AttributeValue>> entries(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        Map<String, Map<String, AttributeValue>> entries = new LinkedHashMap<>();
        if (value != null && value.hasM()) {
            value.m().forEach((id, entry) -> entries.put(id, entry.m()));
        }
        return entries;
    }
}
