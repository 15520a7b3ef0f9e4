package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.map;
import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.store.BudgetChange;
import org.costobservatory.store.BudgetStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Budgets as one readable item each under the {@code BUDGET} partition (beside each, its hold ledger, which
 * {@link DynamoDbHoldStore} keeps), and the record of their changes under {@code AUDIT#<name>}. A recorded change
 * writes the budget and its record in one transaction, conditioned on the budget's {@code revision}.
 */
public final class DynamoDbBudgetStore implements BudgetStore {
    private static final String REVISION = "revision";
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbBudgetStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
    }

    @Override
    public void put(Budget budget) {
        Dynamo.run("store budget " + budget.name(), () -> dynamo.putItem(b -> b.tableName(table).item(toItem(budget))));
    }

    @Override
    public Optional<Budget> get(String name) {
        return Dynamo.call("read budget " + name, () -> Optional.ofNullable(
                Dynamo.get(dynamo, table, Keys.BUDGET, name)).map(DynamoDbBudgetStore::fromItem));
    }

    @Override
    public List<Budget> list() {
        return Dynamo.call("list budgets", () -> {
            List<Budget> budgets = new ArrayList<>();
            QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.BUDGET))).consistentRead(true).build();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                page.items().stream().filter(item -> !Items.str(item, Keys.SK).endsWith(Keys.LEDGER_SUFFIX))
                        .forEach(item -> budgets.add(fromItem(item)));
            }
            return budgets;
        });
    }

    @Override
    public Current current(String name) {
        return Dynamo.call("read budget " + name, () -> {
            Map<String, AttributeValue> item = Dynamo.get(dynamo, table, Keys.BUDGET, name);
            return item == null ? new Current(Optional.empty(), 0)
                    : new Current(Optional.of(fromItem(item)), Items.num(item, REVISION));
        });
    }

    @Override
    public boolean change(BudgetChange change, long revision) {
        String name = change.budget();
        return Dynamo.call("change budget " + name, () -> {
            Map<String, AttributeValue> values = new LinkedHashMap<>();
            String condition;
            if (change.before().isEmpty()) {
                condition = "attribute_not_exists(pk)";
            } else if (revision == 0) {
                condition = "attribute_exists(pk) AND attribute_not_exists(#revision)";
            } else {
                condition = "#revision = :revision";
                values.put(":revision", n(revision));
            }
            Map<String, String> names = Map.of("#revision", REVISION);
            TransactWriteItem budgetWrite;
            if (change.after().isPresent()) {
                Map<String, AttributeValue> item = toItem(change.after().get());
                item.put(REVISION, n(revision + 1));
                budgetWrite = TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                        .conditionExpression(condition)
                        .expressionAttributeNames(condition.contains("#revision") ? names : null)
                        .expressionAttributeValues(values.isEmpty() ? null : values).build()).build();
            } else {
                budgetWrite = TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                        .key(Dynamo.key(Keys.BUDGET, name)).conditionExpression(condition)
                        .expressionAttributeNames(condition.contains("#revision") ? names : null)
                        .expressionAttributeValues(values.isEmpty() ? null : values).build()).build();
            }
            TransactWriteItem record = TransactWriteItem.builder().put(Put.builder().tableName(table)
                    .item(BudgetChangeMapper.toItem(change)).conditionExpression("attribute_not_exists(pk)")
                    .build()).build();
            try {
                dynamo.transactWriteItems(b -> b.transactItems(budgetWrite, record));
                return true;
            } catch (TransactionCanceledException e) {
                if (e.hasCancellationReasons() && e.cancellationReasons().stream().map(CancellationReason::code)
                        .anyMatch("ConditionalCheckFailed"::equals)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public List<BudgetChange> history(String name) {
        return Dynamo.call("read history of budget " + name, () -> {
            QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.audit(name)))).scanIndexForward(false)
                    .consistentRead(true).build();
            List<BudgetChange> changes = new ArrayList<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                page.items().forEach(item -> changes.add(BudgetChangeMapper.fromItem(item)));
            }
            return changes;
        });
    }

    @Override
    public boolean delete(String name) {
        return Dynamo.call("delete budget " + name, () -> dynamo.deleteItem(b -> b.tableName(table)
                .key(Dynamo.key(Keys.BUDGET, name)).returnValues(ReturnValue.ALL_OLD)).hasAttributes());
    }

    static Map<String, AttributeValue> toItem(Budget budget) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.BUDGET));
        item.put(Keys.SK, s(budget.name()));
        item.put("name", s(budget.name()));
        item.put("limit_usd", s(budget.limitUsd().toPlainString()));
        item.put("period", s(budget.period().id()));
        item.put("time_zone", s(budget.timeZone().getId()));
        Map<String, AttributeValue> scope = new LinkedHashMap<>();
        budget.scope().toMap().forEach((field, value) -> scope.put(field, s(value)));
        item.put("scope", map(scope));
        item.put("thresholds_percent", Items.list(budget.thresholdsPercent().stream()
                .map(t -> AttributeValue.fromN(t.toPlainString())).toList()));
        item.put("warn_percent", AttributeValue.fromN(budget.warnPercent().toPlainString()));
        item.put("reset_notice", AttributeValue.fromBool(budget.resetNotice()));
        budget.preset().ifPresent(preset -> item.put("preset", s(preset)));
        budget.seats().ifPresent(seats -> item.put("seats", n(seats)));
        budget.updatedAt().ifPresent(at -> item.put("updated_at", s(at.toString())));
        if (!budget.forecastAlert()) {
            item.put("forecast_alert", Items.bool(false));
        }
        return item;
    }

    static Budget fromItem(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> scope = item.containsKey("scope") ? item.get("scope").m() : Map.of();
        BudgetScope budgetScope = new BudgetScope(Optional.ofNullable(Items.str(scope, "workspace_id")),
                Optional.ofNullable(Items.str(scope, "api_key_id")), Optional.ofNullable(Items.str(scope, "model")));
        List<BigDecimal> thresholds = item.containsKey("thresholds_percent")
                ? item.get("thresholds_percent").l().stream().map(v -> new BigDecimal(v.n())).toList()
                : Budget.DEFAULT_THRESHOLDS;
        return new Budget(Items.str(item, "name"), new BigDecimal(Items.str(item, "limit_usd")),
                BudgetPeriod.fromId(Items.str(item, "period")), ZoneId.of(Items.str(item, "time_zone", "UTC")),
                budgetScope, thresholds, Items.dec(item, "warn_percent"),
                Optional.ofNullable(Items.str(item, "preset")),
                item.containsKey("seats") ? Optional.of((int) Items.num(item, "seats")) : Optional.empty(),
                Items.instant(item, "updated_at").map(Instant.class::cast),
                // Budgets stored before these fields existed have the notices on, the default.
                !item.containsKey("reset_notice") || item.get("reset_notice").bool(),
                !item.containsKey("forecast_alert") || item.get("forecast_alert").bool());
    }
}
