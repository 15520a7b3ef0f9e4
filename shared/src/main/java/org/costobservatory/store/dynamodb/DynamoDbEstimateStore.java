package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.s;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.costobservatory.domain.ClientEstimate;
import org.costobservatory.store.EstimateStore;
import org.costobservatory.time.Sleeper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Client-side estimates under the {@code ESTIMATE} partition, sorted by day and identity, so a range of days is one
 * query and storing an estimate again overwrites the same item. Written with BatchWriteItem; a failure part-way is
 * repaired by sending the same records again, which stores each once.
 */
public final class DynamoDbEstimateStore implements EstimateStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchWriter batch;

    public DynamoDbEstimateStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Sleeper.SYSTEM);
    }

    public DynamoDbEstimateStore(DynamoDbClient dynamo, String table, Sleeper sleeper) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
        this.batch = new BatchWriter(dynamo, table, sleeper);
    }

    @Override
    public void putAll(List<ClientEstimate> estimates) {
        // One request may not name an item twice: the last record with an identity is the one kept.
        Map<String, ClientEstimate> distinct = new LinkedHashMap<>();
        estimates.forEach(estimate -> distinct.put(EstimateMapper.sortKey(estimate), estimate));
        List<WriteRequest> puts = new ArrayList<>(distinct.size());
        distinct.values().forEach(estimate -> puts.add(WriteRequest.builder()
                .putRequest(PutRequest.builder().item(EstimateMapper.item(estimate)).build()).build()));
        Dynamo.run("store client estimates", () -> batch.write(puts));
    }

    @Override
    public List<ClientEstimate> days(LocalDate from, LocalDate toInclusive) {
        return Dynamo.call("read client estimates", () -> {
            QueryRequest request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.ESTIMATE), ":from", s(from + "#"),
                            ":to", s(toInclusive + "#~")))
                    .build();
            List<ClientEstimate> estimates = new ArrayList<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    estimates.add(EstimateMapper.read(item));
                }
            }
            return estimates;
        });
    }
}
