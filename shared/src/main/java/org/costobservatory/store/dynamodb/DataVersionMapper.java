package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.n;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.costobservatory.store.DataVersion;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The data version item ({@code VERSION} / {@code data}): {@code seq}, a number, and {@code writing}, a string set
 * of {@code <start>#<write id>} for each write in flight. A set rather than a map: adding to and deleting from a set
 * needs no condition and no existing attribute, so starting and finishing a write are one unconditional update each.
 */
final class DataVersionMapper {
    static final String SEQ = "seq";
    static final String WRITING = "writing";

    private DataVersionMapper() {
    }

    static Map<String, AttributeValue> key() {
        return Dynamo.key(Keys.VERSION, Keys.DATA_VERSION);
    }

    /** {@code <start>#<write id>}, the start in a fixed width. */
    static String entry(Instant started, String writeId) {
        return Keys.sortable(started) + "#" + writeId;
    }

    static Instant started(String entry) {
        return Instant.parse(entry.substring(0, entry.indexOf('#')));
    }

    static DataVersion fromItem(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return DataVersion.NONE;
        }
        Map<String, Instant> writing = new HashMap<>();
        for (String entry : entries(item)) {
            writing.put(entry.substring(entry.indexOf('#') + 1), started(entry));
        }
        return new DataVersion(Items.num(item, SEQ), writing);
    }

    static List<String> entries(Map<String, AttributeValue> item) {
        AttributeValue set = item == null ? null : item.get(WRITING);
        return set == null || !set.hasSs() ? List.of() : set.ss();
    }

    /** Lists the write as in flight and moves {@code seq} on; returns the item as it is after. */
    static UpdateItemRequest begin(String table, String entry) {
        return UpdateItemRequest.builder().tableName(table).key(key())
                .updateExpression("ADD #seq :one, #writing :entry")
                .expressionAttributeNames(Map.of("#seq", SEQ, "#writing", WRITING))
                .expressionAttributeValues(Map.of(":one", n(1), ":entry", AttributeValue.fromSs(List.of(entry))))
                .returnValues(ReturnValue.ALL_NEW).build();
    }

    /** Takes the entries off the list (the write's own, and any of writers long dead) and moves {@code seq} on. */
    static UpdateItemRequest end(String table, Collection<String> entries) {
        return UpdateItemRequest.builder().tableName(table).key(key())
                .updateExpression("ADD #seq :one DELETE #writing :entries")
                .expressionAttributeNames(Map.of("#seq", SEQ, "#writing", WRITING))
                .expressionAttributeValues(Map.of(":one", n(1), ":entries",
                        AttributeValue.fromSs(List.copyOf(entries))))
                .build();
    }
}
