package org.costobservatory.store.dynamodb;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.costobservatory.domain.SpendScope;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Remembers which rollup scopes exist, writing each one once per process (the write itself is idempotent). */
final class ScopeRegistry {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Set<String> written = ConcurrentHashMap.newKeySet();

    ScopeRegistry(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    void register(Collection<SpendScope> scopes) {
        for (SpendScope scope : scopes) {
            String text = scope.text();
            if (written.contains(text)) {
                continue;
            }
            dynamo.putItem(b -> b.tableName(table).item(Map.of(
                    Keys.PK, AttributeValue.fromS(Keys.SCOPES),
                    Keys.SK, AttributeValue.fromS(text),
                    "kind", AttributeValue.fromS(scope.kind().name().toLowerCase(java.util.Locale.ROOT)),
                    "scope_id", AttributeValue.fromS(scope.id()))));
            written.add(text);
        }
    }
}
