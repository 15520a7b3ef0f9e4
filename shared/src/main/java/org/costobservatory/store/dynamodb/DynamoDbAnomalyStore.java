package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.list;
import static org.costobservatory.store.dynamodb.Items.map;
import static org.costobservatory.store.dynamodb.Items.money;
import static org.costobservatory.store.dynamodb.Items.s;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.store.Anomaly;
import org.costobservatory.store.AnomalyStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** One item per evaluated day under the {@code ANOMALY} partition ({@code sk} = the date); its only mapper. */
public final class DynamoDbAnomalyStore implements AnomalyStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbAnomalyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
    }

    @Override
    public void put(AnomalyDay day) {
        Dynamo.run("store the anomalies of " + day.date(), () -> dynamo.putItem(b -> b.tableName(table)
                .item(toItem(day))));
    }

    @Override
    public List<AnomalyDay> days(LocalDate from, LocalDate toInclusive) {
        return Dynamo.call("read anomalies", () -> {
            QueryRequest request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.ANOMALY), ":from", s(from.toString()),
                            ":to", s(toInclusive.toString())))
                    .build();
            List<AnomalyDay> days = new ArrayList<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                page.items().forEach(item -> days.add(fromItem(item)));
            }
            return days;
        });
    }

    static Map<String, AttributeValue> toItem(AnomalyDay day) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.ANOMALY));
        item.put(Keys.SK, s(day.date().toString()));
        item.put("date", s(day.date().toString()));
        item.put("evaluated_at", s(day.evaluatedAt().toString()));
        item.put("floor_usd", money(day.floorUsd()));
        List<AttributeValue> anomalies = new ArrayList<>();
        for (Anomaly anomaly : day.anomalies()) {
            Map<String, AttributeValue> value = new LinkedHashMap<>();
            value.put("kind", s(anomaly.kind()));
            value.put("id", s(anomaly.id()));
            value.put("name", s(anomaly.name()));
            value.put("spent_cents", money(anomaly.spentCents()));
            value.put("baseline_cents", money(anomaly.baselineCents()));
            List<AttributeValue> reasons = new ArrayList<>();
            for (Anomaly.Reason reason : anomaly.reasons()) {
                Map<String, AttributeValue> r = new LinkedHashMap<>();
                r.put("kind", s(reason.kind()));
                reason.subject().ifPresent(v -> r.put("subject", s(v)));
                reason.before().ifPresent(v -> r.put("before", money(v)));
                reason.after().ifPresent(v -> r.put("after", money(v)));
                reason.unit().ifPresent(v -> r.put("unit", s(v)));
                r.put("text", s(reason.text()));
                reasons.add(map(r));
            }
            value.put("reasons", list(reasons));
            anomalies.add(map(value));
        }
        item.put("anomalies", list(anomalies));
        return item;
    }

    static AnomalyDay fromItem(Map<String, AttributeValue> item) {
        LocalDate date = LocalDate.parse(Items.str(item, "date"));
        List<Anomaly> anomalies = new ArrayList<>();
        AttributeValue list = item.get("anomalies");
        if (list != null && list.hasL()) {
            for (AttributeValue entry : list.l()) {
                Map<String, AttributeValue> value = entry.m();
                List<Anomaly.Reason> reasons = new ArrayList<>();
                AttributeValue stored = value.get("reasons");
                if (stored != null && stored.hasL()) {
                    for (AttributeValue r : stored.l()) {
                        Map<String, AttributeValue> m = r.m();
                        reasons.add(new Anomaly.Reason(Items.str(m, "kind"), Optional.ofNullable(Items.str(m,
                                "subject")), decimal(m, "before"), decimal(m, "after"),
                                Optional.ofNullable(Items.str(m, "unit")), Items.str(m, "text")));
                    }
                }
                anomalies.add(new Anomaly(date, Items.str(value, "kind"), Items.str(value, "id"),
                        Items.str(value, "name"), Items.dec(value, "spent_cents"), Items.dec(value, "baseline_cents"),
                        reasons));
            }
        }
        return new AnomalyDay(date, Instant.parse(Items.str(item, "evaluated_at")), Items.dec(item, "floor_usd"),
                anomalies);
    }

    private static Optional<BigDecimal> decimal(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? Optional.of(Items.dec(item, name)) : Optional.empty();
    }
}
