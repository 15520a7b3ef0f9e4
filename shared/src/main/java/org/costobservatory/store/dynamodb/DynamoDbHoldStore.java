package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.store.Hold;
import org.costobservatory.store.HoldLedger;
import org.costobservatory.store.HoldStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Holds ({@code HOLD#<id>}), the ledger beside each budget ({@code BUDGET} / {@code <name>#holds}) and run-class costs
 * ({@code RUNCLASS#<class>}). Every change that touches a hold and its ledgers is one TransactWriteItems.
 */
public final class DynamoDbHoldStore implements HoldStore {
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    private static final String CONFLICT = "TransactionConflict";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbHoldStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
    }

    @Override
    public HoldLedger ledger(String budget) {
        return Dynamo.call("read the hold ledger of " + budget, () -> {
            Map<String, AttributeValue> item = Dynamo.get(dynamo, table, Keys.BUDGET, Keys.ledger(budget));
            return item == null ? HoldLedger.empty(budget) : HoldLedgerMapper.fromItem(budget, item);
        });
    }

    @Override
    public Map<String, HoldLedger> ledgers() {
        return Dynamo.call("read hold ledgers", () -> {
            QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.BUDGET))).consistentRead(true).build();
            Map<String, HoldLedger> ledgers = new LinkedHashMap<>();
            for (QueryResponse page : dynamo.queryPaginator(request)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    if (HoldLedgerMapper.isLedger(item)) {
                        String budget = Items.str(item, "budget");
                        ledgers.put(budget, HoldLedgerMapper.fromItem(budget, item));
                    }
                }
            }
            return ledgers;
        });
    }

    @Override
    public Optional<Hold> get(String holdId) {
        return Dynamo.call("read hold " + holdId, () -> Optional.ofNullable(
                Dynamo.get(dynamo, table, Keys.hold(holdId), Keys.HOLD_SORT_KEY)).map(HoldMapper::fromItem));
    }

    @Override
    public Placed place(Hold hold, List<LedgerWrite> ledgers) {
        return Dynamo.call("place hold " + hold.holdId(), () -> {
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(HoldMapper.toItem(hold))
                    .conditionExpression("attribute_not_exists(pk)").build()).build());
            for (LedgerWrite write : ledgers) {
                items.add(ledgerWrite(hold, write));
            }
            try {
                dynamo.transactWriteItems(b -> b.transactItems(items));
                return Placed.PLACED;
            } catch (TransactionCanceledException e) {
                List<String> codes = codes(e);
                if (!codes.isEmpty() && CONDITION_FAILED.equals(codes.get(0))) {
                    return Placed.EXISTS;
                }
                if (codes.contains(CONDITION_FAILED) || codes.contains(CONFLICT)) {
                    return Placed.CONFLICT;
                }
                throw e;
            } catch (InternalServerErrorException e) {
                // The outcome is unknown; reading again settles it, since a written hold makes a retry find it.
                return Placed.CONFLICT;
            }
        });
    }

    /** Adds the hold to one ledger, drops what no longer counts, and moves the version on, if it is as read. */
    private TransactWriteItem ledgerWrite(Hold hold, LedgerWrite write) {
        String budget = write.read().budget();
        Instant now = hold.createdAt();
        if (write.read().version() == 0) {
            return TransactWriteItem.builder().put(Put.builder().tableName(table)
                    .item(HoldLedgerMapper.firstItem(budget, hold, now))
                    .conditionExpression("attribute_not_exists(#version)")
                    .expressionAttributeNames(Map.of("#version", HoldLedgerMapper.VERSION)).build()).build();
        }
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#version", HoldLedgerMapper.VERSION);
        names.put("#new", hold.holdId());
        values.put(":read", n(write.read().version()));
        values.put(":next", n(write.read().version() + 1));
        values.put(":entry", HoldLedgerMapper.held(hold));
        values.put(":now", s(now.toString()));
        List<String> removals = new ArrayList<>();
        int i = 0;
        for (String dropped : write.dropHolds()) {
            names.put("#h" + i, dropped);
            removals.add("holds.#h" + i++);
        }
        i = 0;
        for (String dropped : write.dropRecent()) {
            names.put("#r" + i, dropped);
            removals.add("recent.#r" + i++);
        }
        String expression = "SET #version = :next, holds.#new = :entry, updated_at = :now"
                + (removals.isEmpty() ? "" : " REMOVE " + String.join(", ", removals));
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(HoldLedgerMapper.key(budget)).updateExpression(expression)
                .conditionExpression("#version = :read").expressionAttributeNames(names)
                .expressionAttributeValues(values).build()).build();
    }

    @Override
    public Closed release(Hold hold, Instant at) {
        return Dynamo.call("release hold " + hold.holdId(), () -> {
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(closeHold(hold.holdId(), Map.of("#state", "state", "#closed", "closed_at"),
                    Map.of(":new", s(Hold.RELEASED), ":at", s(at.toString())),
                    "SET #state = :new, #closed = :at"));
            for (String budget : hold.budgets()) {
                items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(HoldLedgerMapper.key(budget)).updateExpression("REMOVE holds.#h")
                        .expressionAttributeNames(Map.of("#h", hold.holdId())).build()).build());
            }
            return closed(items);
        });
    }

    @Override
    public Closed settle(Hold settled) {
        return Dynamo.call("settle hold " + settled.holdId(), () -> {
            List<TransactWriteItem> items = new ArrayList<>();
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":new", s(Hold.SETTLED));
            values.put(":at", s(settled.closedAt().orElseThrow().toString()));
            values.put(":actual", Items.money(settled.actualUsd().orElseThrow()));
            values.put(":basis", s(settled.actualBasis().orElseThrow()));
            values.put(":ended", s(settled.endedAt().orElseThrow().toString()));
            items.add(closeHold(settled.holdId(), Map.of("#state", "state", "#closed", "closed_at"), values,
                    "SET #state = :new, #closed = :at, actual_usd = :actual, actual_basis = :basis, "
                            + "ended_at = :ended"));
            for (String budget : settled.budgets()) {
                items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(HoldLedgerMapper.key(budget)).updateExpression("REMOVE holds.#h SET recent.#h = :r")
                        .expressionAttributeNames(Map.of("#h", settled.holdId()))
                        .expressionAttributeValues(Map.of(":r", HoldLedgerMapper.recent(settled))).build()).build());
            }
            if (settled.runClass().isPresent() && Hold.SETTLED.equals(settled.state())
                    && "caller".equals(settled.actualBasis().orElse(""))) {
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(RunClassCostMapper.toItem(settled)).build()).build());
            }
            return closed(items);
        });
    }

    /** The hold's own write, only while it is active. */
    private TransactWriteItem closeHold(String holdId, Map<String, String> names, Map<String, AttributeValue> values,
                                        String expression) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":active", s(Hold.ACTIVE));
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(HoldMapper.key(holdId))
                .updateExpression(expression).conditionExpression("#state = :active")
                .expressionAttributeNames(names).expressionAttributeValues(all).build()).build();
    }

    private Closed closed(List<TransactWriteItem> items) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(items));
            return Closed.CLOSED;
        } catch (TransactionCanceledException e) {
            List<String> codes = codes(e);
            if (!codes.isEmpty() && CONDITION_FAILED.equals(codes.get(0))) {
                return Closed.NOT_ACTIVE;
            }
            if (codes.contains(CONFLICT)) {
                return Closed.CONFLICT;
            }
            throw e;
        } catch (InternalServerErrorException e) {
            // The outcome is unknown; the retry reads the hold again and sees whether it is still active.
            return Closed.CONFLICT;
        }
    }

    @Override
    public List<BigDecimal> runClassCosts(String runClass, int count) {
        return Dynamo.call("read costs of run class " + runClass, () -> {
            QueryResponse response = dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.runClass(runClass)))).scanIndexForward(false)
                    .limit(count));
            return response.items().stream().map(RunClassCostMapper::cost).toList();
        });
    }

    private static List<String> codes(TransactionCanceledException e) {
        return e.hasCancellationReasons()
                ? e.cancellationReasons().stream().map(CancellationReason::code).map(c -> c == null ? "None" : c)
                .toList()
                : List.of();
    }
}
