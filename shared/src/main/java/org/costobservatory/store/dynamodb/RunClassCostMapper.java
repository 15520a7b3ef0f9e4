package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.costobservatory.store.Hold;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One settled run's reported cost under its run class ({@code RUNCLASS#<class>} / {@code <ended at>#<hold id>}), so
 * the newest are one Query away. Kept 90 days (the table's TTL attribute); only the latest 50 are ever read.
 */
final class RunClassCostMapper {
    static final Duration KEPT = Duration.ofDays(90);

    private RunClassCostMapper() {
    }

    static Map<String, AttributeValue> toItem(Hold settled) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.runClass(settled.runClass().orElseThrow())));
        item.put(Keys.SK, s(Keys.sortable(settled.endedAt().orElseThrow()) + "#" + settled.holdId()));
        item.put("hold_id", s(settled.holdId()));
        item.put("run_id", s(settled.runId()));
        item.put("actual_usd", Items.money(settled.actualUsd().orElseThrow()));
        item.put(HoldMapper.DELETE_AFTER, n(settled.endedAt().orElseThrow().plus(KEPT).getEpochSecond()));
        return item;
    }

    static BigDecimal cost(Map<String, AttributeValue> item) {
        return Items.dec(item, "actual_usd");
    }
}
