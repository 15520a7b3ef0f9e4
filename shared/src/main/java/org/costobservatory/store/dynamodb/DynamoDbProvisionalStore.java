package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.s;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.store.ProvisionalDay;
import org.costobservatory.store.ProvisionalStore;
import org.costobservatory.store.RunInfo;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Settled days' provisional figures under the {@code PROVISIONAL} partition, one item per day, written once. */
public final class DynamoDbProvisionalStore implements ProvisionalStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbProvisionalStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
    }

    @Override
    public boolean record(ProvisionalDay day, RunInfo run) {
        return Dynamo.call("record the provisional figure of " + day.date(), () -> {
            try {
                dynamo.putItem(b -> b.tableName(table).item(ProvisionalDayMapper.item(day, run))
                        .conditionExpression("attribute_not_exists(pk)"));
                return true;
            } catch (ConditionalCheckFailedException recordedBefore) {
                return false;
            }
        });
    }

    @Override
    public Optional<ProvisionalDay> day(LocalDate date) {
        return Dynamo.call("read the provisional figure of " + date, () -> Optional.ofNullable(
                Dynamo.get(dynamo, table, Keys.PROVISIONAL, date.toString())).map(ProvisionalDayMapper::read));
    }

    @Override
    public List<ProvisionalDay> days(LocalDate from, LocalDate toInclusive) {
        return Dynamo.call("read provisional figures", () -> {
            QueryRequest request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.PROVISIONAL), ":from", s(from.toString()),
                            ":to", s(toInclusive.toString())))
                    .build();
            List<ProvisionalDay> days = new ArrayList<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    days.add(ProvisionalDayMapper.read(item));
                }
            }
            return days;
        });
    }
}
