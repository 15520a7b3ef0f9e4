package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.log.Log;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.AlertStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Alert bookkeeping under the {@code ALERT} partition, one item per budget, period and threshold. Claims are a
 * single TransactWriteItems of conditional puts, so several crossed thresholds are taken together or not at all.
 */
public final class DynamoDbAlertStore implements AlertStore {
    private static final Log LOG = Log.get(DynamoDbAlertStore.class);
    private static final String CLAIMABLE =
            "attribute_not_exists(pk) OR (#state = :claimed AND lease_until_ms < :now)";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbAlertStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
    }

    /** The most a threshold may be: five digits before the point fit the key's fixed width. */
    private static final BigDecimal MAX_THRESHOLD = new BigDecimal("99999.999");

    /**
     * {@code <budget>#<period>#<threshold>}, the threshold with exactly three decimals so keys sort by threshold. A
     * threshold the key cannot show exactly (more than three decimals, which the API refuses) is refused here too:
     * rounded, two thresholds would share one key and the later would never alert.
     */
    static String sortKey(String budget, String periodKey, BigDecimal threshold) {
        if (threshold.signum() <= 0 || threshold.compareTo(MAX_THRESHOLD) > 0
                || threshold.stripTrailingZeros().scale() > 3) {
            throw new IllegalArgumentException("an alert threshold must be more than 0, at most 99999.999 and have "
                    + "at most 3 decimals, got " + threshold.toPlainString());
        }
        return budget + "#" + periodKey + "#" + String.format(Locale.ROOT, "%09.3f", threshold);
    }

    @Override
    public List<AlertRecord> period(String budget, String periodKey) {
        return Dynamo.call("read alerts of " + budget, () -> query(budget + "#" + periodKey + "#"));
    }

    @Override
    public boolean claim(List<AlertRecord> claims, Instant now) {
        return Dynamo.call("claim alerts", () -> {
            List<TransactWriteItem> puts = new ArrayList<>();
            for (AlertRecord claim : claims) {
                puts.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(toItem(claim))
                        .conditionExpression(CLAIMABLE)
                        .expressionAttributeNames(Map.of("#state", "state"))
                        .expressionAttributeValues(Map.of(":claimed", s(AlertRecord.CLAIMED),
                                ":now", n(now.toEpochMilli())))
                        .build()).build());
            }
            try {
                dynamo.transactWriteItems(b -> b.transactItems(puts));
                return true;
            } catch (TransactionCanceledException heldElsewhere) {
                return false;
            }
        });
    }

    @Override
    public void markSent(List<AlertRecord> claimed, String owner, String messageId, String subject, Instant sentAt) {
        Dynamo.run("mark alerts sent", () -> {
            for (AlertRecord record : claimed) {
                Map<String, AttributeValue> values = new HashMap<>();
                values.put(":sent", s(AlertRecord.SENT));
                values.put(":claimed", s(AlertRecord.CLAIMED));
                values.put(":owner", s(owner));
                values.put(":at", s(sentAt.toString()));
                values.put(":id", s(messageId));
                values.put(":subject", s(subject));
                try {
                    dynamo.updateItem(b -> b.tableName(table)
                            .key(Dynamo.key(Keys.ALERT, sortKey(record.budget(), record.periodKey(),
                                    record.thresholdPercent())))
                            .updateExpression("SET #state = :sent, sent_at = :at, message_id = :id, subject = :subject")
                            .conditionExpression("#state = :claimed AND #owner = :owner")
                            .expressionAttributeNames(Map.of("#state", "state", "#owner", "owner"))
                            .expressionAttributeValues(values));
                } catch (ConditionalCheckFailedException takenOver) {
                    LOG.warn("an alert claim expired before it was marked sent; another evaluator took it over",
                            "budget", record.budget(), "threshold", record.thresholdPercent());
                }
            }
        });
    }

    @Override
    public List<AlertRecord> list(Optional<String> budget) {
        return Dynamo.call("list alerts", () -> {
            List<AlertRecord> records = query(budget.map(name -> name + "#").orElse(""));
            records.sort(Comparator.comparing((AlertRecord r) -> r.sentAt().orElse(r.claimedAt())).reversed());
            return records;
        });
    }

    private List<AlertRecord> query(String prefix) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", s(Keys.ALERT));
        String condition = "pk = :pk";
        if (!prefix.isEmpty()) {
            condition += " AND begins_with(sk, :prefix)";
            values.put(":prefix", s(prefix));
        }
        QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression(condition)
                .expressionAttributeValues(values).consistentRead(true).build();
        List<AlertRecord> records = new ArrayList<>();
        for (QueryResponse page : dynamo.queryPaginator(request)) {
            page.items().forEach(item -> records.add(fromItem(item)));
        }
        return records;
    }

    private static Map<String, AttributeValue> toItem(AlertRecord record) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.ALERT));
        item.put(Keys.SK, s(sortKey(record.budget(), record.periodKey(), record.thresholdPercent())));
        item.put("budget", s(record.budget()));
        item.put("period_key", s(record.periodKey()));
        item.put("period_start", s(record.periodStart()));
        item.put("period_end", s(record.periodEnd()));
        item.put("time_zone", s(record.timeZone()));
        item.put("threshold_percent", AttributeValue.fromN(record.thresholdPercent().toPlainString()));
        item.put("state", s(record.state()));
        item.put("owner", s(record.owner()));
        item.put("lease_until", s(record.leaseUntil().toString()));
        item.put("lease_until_ms", n(record.leaseUntil().toEpochMilli()));
        item.put("claimed_at", s(record.claimedAt().toString()));
        record.spentUsd().ifPresent(v -> item.put("spent_usd", s(v.toPlainString())));
        record.limitUsd().ifPresent(v -> item.put("limit_usd", s(v.toPlainString())));
        record.percentUsed().ifPresent(v -> item.put("percent_used", s(v.toPlainString())));
        return item;
    }

    private static AlertRecord fromItem(Map<String, AttributeValue> item) {
        return new AlertRecord(Items.str(item, "budget"), Items.str(item, "period_key"),
                Items.str(item, "period_start"), Items.str(item, "period_end"), Items.str(item, "time_zone"),
                new BigDecimal(item.get("threshold_percent").n()), Items.str(item, "state"),
                Items.str(item, "owner"), Instant.parse(Items.str(item, "lease_until")),
                Instant.parse(Items.str(item, "claimed_at")), Items.instant(item, "sent_at"),
                Optional.ofNullable(Items.str(item, "message_id")), Optional.ofNullable(Items.str(item, "subject")),
                Optional.ofNullable(Items.str(item, "spent_usd")).map(BigDecimal::new),
                Optional.ofNullable(Items.str(item, "limit_usd")).map(BigDecimal::new),
                Optional.ofNullable(Items.str(item, "percent_used")).map(BigDecimal::new));
    }
}
