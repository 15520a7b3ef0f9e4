package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.s;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.HourSpend;
import org.costobservatory.store.SpendScope;
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

    static String hourAttribute(int hour) {
        return String.format(java.util.Locale.ROOT, "usage_h%02d", hour);
    }

    @Override
    public List<DailySpend> read(SpendScope scope, LocalDate from, LocalDate toInclusive) {
        return Dynamo.call("read spend of " + scope.text(), () -> {
            QueryRequest request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.spend(scope)), ":from", s(from.toString()),
                            ":to", s(toInclusive.toString())))
                    .build();
            List<DailySpend> days = new ArrayList<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    days.add(fromItem(scope, item));
                }
            }
            return days;
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

    static DailySpend fromItem(SpendScope scope, Map<String, AttributeValue> item) {
        LocalDate date = LocalDate.parse(item.get(Keys.SK).s());
        Optional<BigDecimal> settled = item.containsKey("settled_cents")
                ? Optional.of(Items.dec(item, "settled_cents"))
                : Optional.empty();
        Map<String, BigDecimal> settledByModel = new TreeMap<>();
        AttributeValue models = item.get("settled_by_model");
        if (models != null && models.hasM()) {
            models.m().forEach((model, cents) -> settledByModel.put(model, new BigDecimal(cents.s())));
        }
        Map<Integer, Map<String, HourSpend>> hours = new TreeMap<>();
        for (int hour = 0; hour < 24; hour++) {
            AttributeValue value = item.get(hourAttribute(hour));
            if (value == null || !value.hasM()) {
                continue;
            }
            Map<String, HourSpend> byModel = new LinkedHashMap<>();
            value.m().forEach((model, spend) -> byModel.put(model, new HourSpend(
                    Items.dec(spend.m(), "cents"), Items.dec(spend.m(), "priority_cents"),
                    Items.flag(spend.m(), "unpriced"))));
            hours.put(hour, byModel);
        }
        return new DailySpend(date, scope, settled, settledByModel, hours,
                Optional.ofNullable(Items.str(item, "workspace_id")));
    }
}
