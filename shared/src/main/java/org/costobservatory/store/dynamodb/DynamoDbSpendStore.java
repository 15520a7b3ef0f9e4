package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.s;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.SpendStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reads the per-day rollups: one Query per scope and period. */
public final class DynamoDbSpendStore implements SpendStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbSpendStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
    }

    @Override
    public List<DailySpend> read(SpendScope scope, LocalDate from, LocalDate toInclusive) {
        return Dynamo.call("read spend of " + scope.text(), () -> {
            QueryRequest request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.spend(scope)), ":from", s(from.toString()),
                            ":to", s(toInclusive.toString())))
                    // Strongly consistent: headroom keeps what it computes from this until the data version moves.
                    .consistentRead(true).build();
            List<DailySpend> days = new ArrayList<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    days.add(SpendRollupMapper.read(scope, item));
                }
            }
            return days;
        });
    }

    @Override
    public Optional<String> keyWorkspace(String apiKeyId) {
        SpendScope scope = SpendScope.apiKey(apiKeyId);
        return Dynamo.call("read the workspace of " + scope.text(), () -> {
            QueryResponse newest = dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.spend(scope)))).scanIndexForward(false)
                    .limit(1));
            return newest.items().stream().findFirst()
                    .flatMap(item -> SpendRollupMapper.read(scope, item).workspaceId());
        });
    }

    @Override
    public List<SpendScope> scopes() {
        return Dynamo.call("list spend scopes", () -> {
            QueryRequest request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.SCOPES))).build();
            List<SpendScope> result = new ArrayList<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    result.add(SpendScope.parse(item.get(Keys.SK).s()));
                }
            }
            return result;
        });
    }
}
