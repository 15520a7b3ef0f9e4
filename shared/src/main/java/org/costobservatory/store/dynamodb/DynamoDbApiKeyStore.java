package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.store.ApiKeyStore;
import org.costobservatory.time.Sleeper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * API keys (name, status, workspace) under the {@code API_KEY} partition, refreshed by the daily cost run like
 * workspace names.
 */
public final class DynamoDbApiKeyStore implements ApiKeyStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchWriter batch;

    public DynamoDbApiKeyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
        this.batch = new BatchWriter(dynamo, table, Sleeper.SYSTEM);
    }

    @Override
    public void putAll(List<ApiKey> keys) {
        Dynamo.run("store API keys", () -> {
            Map<String, WriteRequest> puts = new LinkedHashMap<>();
            for (ApiKey key : keys) {
                Map<String, AttributeValue> item = new LinkedHashMap<>();
                item.put(Keys.PK, s(Keys.API_KEY));
                item.put(Keys.SK, s(key.id()));
                item.put("name", s(key.name()));
                item.put("status", s(key.status()));
                item.put("workspace_id", s(key.workspaceId()));
                // One write per key: a batch may not name the same item twice.
                puts.put(key.id(), WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            batch.write(new ArrayList<>(puts.values()));
        });
    }

    @Override
    public Map<String, String> names() {
        return Dynamo.call("read API key names", () -> {
            Map<String, String> names = new TreeMap<>();
            QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.API_KEY))).build();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    names.put(item.get(Keys.SK).s(), Items.str(item, "name", item.get(Keys.SK).s()));
                }
            }
            return names;
        });
    }

    @Override
    public Optional<String> workspaceOf(String apiKeyId) {
        return Dynamo.call("read the workspace of " + apiKeyId, () -> Optional.ofNullable(
                Dynamo.get(dynamo, table, Keys.API_KEY, apiKeyId)).map(item -> Items.str(item, "workspace_id")));
    }
}
