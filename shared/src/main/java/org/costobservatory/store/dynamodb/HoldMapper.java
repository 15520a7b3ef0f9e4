package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.store.Hold;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One hold ({@code HOLD#<hold id>} / {@code HOLD}), written and read here only. {@code delete_after} is the table's
 * TTL attribute: DynamoDB may delete the item a week after the hold expires, which is only housekeeping (an expired
 * hold already counts nowhere); until then the same run id finds it again.
 */
final class HoldMapper {
    static final String DELETE_AFTER = "delete_after";
    static final Duration KEPT_AFTER_EXPIRY = Duration.ofDays(7);

    private HoldMapper() {
    }

    static Map<String, AttributeValue> key(String holdId) {
        return Dynamo.key(Keys.hold(holdId), Keys.HOLD_SORT_KEY);
    }

    static Map<String, AttributeValue> toItem(Hold hold) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.hold(hold.holdId())));
        item.put(Keys.SK, s(Keys.HOLD_SORT_KEY));
        item.put("hold_id", s(hold.holdId()));
        item.put("run_id", s(hold.runId()));
        item.put("target", s(hold.target()));
        item.put("budgets", Items.strings(hold.budgets()));
        item.put("estimate_usd", Items.money(hold.estimateUsd()));
        item.put("estimate_basis", s(hold.estimateBasis()));
        hold.runClass().ifPresent(runClass -> item.put("run_class", s(runClass)));
        item.put("decision", s(hold.decision()));
        item.put("created_at", s(hold.createdAt().toString()));
        item.put("expires_at", s(hold.expiresAt().toString()));
        item.put("state", s(hold.state()));
        item.put(DELETE_AFTER, n(hold.expiresAt().plus(KEPT_AFTER_EXPIRY).getEpochSecond()));
        return item;
    }

    static Hold fromItem(Map<String, AttributeValue> item) {
        return new Hold(Items.str(item, "hold_id"), Items.str(item, "run_id"), Items.str(item, "target"),
                Items.stringList(item, "budgets"), Items.dec(item, "estimate_usd"), Items.str(item, "estimate_basis"),
                Optional.ofNullable(Items.str(item, "run_class")), Items.str(item, "decision"),
                Instant.parse(Items.str(item, "created_at")), Instant.parse(Items.str(item, "expires_at")),
                Items.str(item, "state"),
                Optional.ofNullable(Items.str(item, "actual_usd")).map(BigDecimal::new),
                Optional.ofNullable(Items.str(item, "actual_basis")), Items.instant(item, "ended_at"),
                Items.instant(item, "closed_at"));
    }
}
