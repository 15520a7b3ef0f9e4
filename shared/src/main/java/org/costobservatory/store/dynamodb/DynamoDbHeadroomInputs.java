package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.costobservatory.domain.Budget;
import org.costobservatory.store.DataVersion;
import org.costobservatory.store.HeadroomInputs;
import org.costobservatory.store.HoldLedger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * One budget, its ledger and the data version in one {@code TransactGetItems} (authorised as a {@code GetItem} of
 * each item, and strongly consistent); every budget and ledger in one consistent Query of the {@code BUDGET}
 * partition, plus a read of the version.
 */
public final class DynamoDbHeadroomInputs implements HeadroomInputs {
    /** A hold being written to the ledger at the same moment cancels the read; it is over in milliseconds. */
    private static final int TRANSACTION_ATTEMPTS = 3;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbHeadroomInputs(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
    }

    @Override
    public Inputs budget(String name) {
        return Dynamo.call("read budget " + name + ", its holds and the data version", () -> {
            List<TransactGetItem> gets = List.of(get(Dynamo.key(Keys.BUDGET, name)),
                    get(HoldLedgerMapper.key(name)), get(DataVersionMapper.key()));
            for (int attempt = 0; attempt < TRANSACTION_ATTEMPTS; attempt++) {
                try {
                    List<ItemResponse> items = dynamo.transactGetItems(b -> b.transactItems(gets)).responses();
                    return inputs(name, item(items.get(0)), item(items.get(1)), item(items.get(2)));
                } catch (TransactionCanceledException ledgerBeingWritten) {
                    // Read again.
                }
            }
            // Still busy: the same three items one by one, the version first (spend is read after it).
            Map<String, AttributeValue> version = Dynamo.get(dynamo, table, Keys.VERSION, Keys.DATA_VERSION);
            return inputs(name, Dynamo.get(dynamo, table, Keys.BUDGET, name),
                    Dynamo.get(dynamo, table, Keys.BUDGET, Keys.ledger(name)), version);
        });
    }

    @Override
    public Inputs all() {
        return Dynamo.call("read budgets, their holds and the data version", () -> {
            DataVersion version = readVersion();
            QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.BUDGET))).consistentRead(true).build();
            List<Budget> budgets = new ArrayList<>();
            Map<String, HoldLedger> ledgers = new HashMap<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    if (HoldLedgerMapper.isLedger(item)) {
                        String budget = Items.str(item, "budget");
                        ledgers.put(budget, HoldLedgerMapper.fromItem(budget, item));
                    } else {
                        budgets.add(DynamoDbBudgetStore.fromItem(item));
                    }
                }
            }
            return new Inputs(budgets, ledgers, version);
        });
    }

    @Override
    public DataVersion version() {
        return Dynamo.call("read the data version", this::readVersion);
    }

    private DataVersion readVersion() {
        return DataVersionMapper.fromItem(Dynamo.get(dynamo, table, Keys.VERSION, Keys.DATA_VERSION));
    }

    private TransactGetItem get(Map<String, AttributeValue> key) {
        return TransactGetItem.builder().get(Get.builder().tableName(table).key(key).build()).build();
    }

    private static Map<String, AttributeValue> item(ItemResponse response) {
        return response == null || !response.hasItem() || response.item().isEmpty() ? null : response.item();
    }

    private static Inputs inputs(String name, Map<String, AttributeValue> budget, Map<String, AttributeValue> ledger,
                                 Map<String, AttributeValue> version) {
        List<Budget> budgets = budget == null ? List.of() : List.of(DynamoDbBudgetStore.fromItem(budget));
        Map<String, HoldLedger> ledgers = ledger == null ? Map.of()
                : Map.of(name, HoldLedgerMapper.fromItem(name, ledger));
        return new Inputs(budgets, ledgers, DataVersionMapper.fromItem(version));
    }
}
