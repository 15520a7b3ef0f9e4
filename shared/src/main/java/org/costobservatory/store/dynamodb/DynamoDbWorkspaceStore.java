package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.Workspace;
import org.costobservatory.store.WorkspaceStore;
import org.costobservatory.time.Sleeper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Workspace names, refreshed by the daily cost run. */
public final class DynamoDbWorkspaceStore implements WorkspaceStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchWriter batch;

    public DynamoDbWorkspaceStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
        this.batch = new BatchWriter(dynamo, table, Sleeper.SYSTEM);
    }

    @Override
    public void putAll(List<Workspace> workspaces) {
        Dynamo.run("store workspace names", () -> {
            List<WriteRequest> puts = new ArrayList<>();
            for (Workspace workspace : workspaces) {
                Map<String, AttributeValue> item = new LinkedHashMap<>();
                item.put(Keys.PK, s(Keys.WORKSPACE));
                item.put(Keys.SK, s(workspace.id()));
                item.put("name", s(workspace.name()));
                workspace.archivedAt().ifPresent(at -> item.put("archived_at", s(at.toString())));
                puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            batch.write(puts);
        });
    }

    @Override
    public Map<String, String> names() {
        return Dynamo.call("read workspace names", () -> {
            Map<String, String> names = new TreeMap<>();
            names.put(Dimensions.DEFAULT_WORKSPACE, Dimensions.DEFAULT_WORKSPACE_NAME);
            QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.WORKSPACE))).build();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    names.put(item.get(Keys.SK).s(), Items.str(item, "name", item.get(Keys.SK).s()));
                }
            }
            return names;
        });
    }
}
