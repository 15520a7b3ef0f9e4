package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.log.Log;
import org.costobservatory.store.NoticeStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Notices under the {@code NOTICE} partition, one item per notice key; its only reader and writer. */
public final class DynamoDbNoticeStore implements NoticeStore {
    private static final Log LOG = Log.get(DynamoDbNoticeStore.class);
    private static final String CLAIMABLE =
            "attribute_not_exists(pk) OR (#state = :claimed AND lease_until_ms < :now)";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbNoticeStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
    }

    @Override
    public boolean claim(String key, String kind, String owner, Instant leaseUntil, Instant now) {
        return Dynamo.call("claim notice " + key, () -> {
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            item.put(Keys.PK, s(Keys.NOTICE));
            item.put(Keys.SK, s(key));
            item.put("kind", s(kind));
            item.put("state", s(Notice.CLAIMED));
            item.put("owner", s(owner));
            item.put("lease_until", s(leaseUntil.toString()));
            item.put("lease_until_ms", n(leaseUntil.toEpochMilli()));
            item.put("claimed_at", s(now.toString()));
            try {
                dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression(CLAIMABLE)
                        .expressionAttributeNames(Map.of("#state", "state"))
                        .expressionAttributeValues(Map.of(":claimed", s(Notice.CLAIMED),
                                ":now", n(now.toEpochMilli()))));
                return true;
            } catch (ConditionalCheckFailedException heldOrSent) {
                return false;
            }
        });
    }

    @Override
    public void markSent(String key, String owner, String messageId, String subject, Instant sentAt) {
        Dynamo.run("mark notice sent " + key, () -> {
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":sent", s(Notice.SENT));
            values.put(":claimed", s(Notice.CLAIMED));
            values.put(":owner", s(owner));
            values.put(":at", s(sentAt.toString()));
            values.put(":id", s(messageId));
            values.put(":subject", s(subject));
            try {
                dynamo.updateItem(b -> b.tableName(table).key(Dynamo.key(Keys.NOTICE, key))
                        .updateExpression("SET #state = :sent, sent_at = :at, message_id = :id, subject = :subject")
                        .conditionExpression("#state = :claimed AND #owner = :owner")
                        .expressionAttributeNames(Map.of("#state", "state", "#owner", "owner"))
                        .expressionAttributeValues(values));
            } catch (ConditionalCheckFailedException takenOver) {
                LOG.warn("a notice claim expired before it was marked sent; another publisher took it over",
                        "notice", key);
            }
        });
    }

    @Override
    public Optional<Notice> get(String key) {
        return Dynamo.call("read notice " + key, () -> Optional.ofNullable(
                Dynamo.get(dynamo, table, Keys.NOTICE, key)).map(DynamoDbNoticeStore::fromItem));
    }

    @Override
    public List<Notice> list(String prefix) {
        return Dynamo.call("list notices", () -> {
            QueryRequest request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.NOTICE), ":prefix", s(prefix)))
                    .consistentRead(true).build();
            List<Notice> notices = new ArrayList<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                page.items().forEach(item -> notices.add(fromItem(item)));
            }
            return notices;
        });
    }

    private static Notice fromItem(Map<String, AttributeValue> item) {
        return new Notice(Items.str(item, Keys.SK), Items.str(item, "kind"), Items.str(item, "state"),
                Items.str(item, "owner"), Instant.parse(Items.str(item, "lease_until")),
                Instant.parse(Items.str(item, "claimed_at")), Items.instant(item, "sent_at"),
                Optional.ofNullable(Items.str(item, "message_id")), Optional.ofNullable(Items.str(item, "subject")));
    }
}
