package org.costobservatory.local.bench;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Asks DynamoDB for the capacity each call consumes ({@code ReturnConsumedCapacity: TOTAL}) and adds it up under the
 * phase being measured (a cost run, a usage run, headroom checks...). On-demand tables bill exactly these units: a
 * read request unit per consistent read of up to 4 KB, a write request unit per write of up to 1 KB, twice that in a
 * transaction. A response that names only {@code CapacityUnits} is counted as read or write by its operation.
 *
 * <p>DynamoDB Local reports a {@code TransactWriteItems} at the standard rate (one unit for each small item), while
 * DynamoDB bills a transactional write twice that; a transactional read it already reports at twice the standard
 * rate. So a meter made {@link #forDynamoDbLocal()} doubles what Local reports for a write transaction.
 *
 * <p>A call that fails (a conditional write refused, a cancelled transaction) returns no figure; it is counted apart,
 * because DynamoDB still bills a refused conditional write at least one write unit.
 */
final class CapacityMeter implements ExecutionInterceptor {
    private static final Set<String> READS = Set.of("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems");

    /** What one phase consumed. */
    static final class Totals {
        final DoubleAdder read = new DoubleAdder();
        final DoubleAdder write = new DoubleAdder();
        final LongAdder calls = new LongAdder();
        final LongAdder failedCalls = new LongAdder();
        final LongAdder unmetered = new LongAdder();
        /** Write units of transactions, included in {@link #write}. */
        final DoubleAdder transactionalWrite = new DoubleAdder();
    }

    private final double transactionalWriteFactor;

    private CapacityMeter(double transactionalWriteFactor) {
        this.transactionalWriteFactor = transactionalWriteFactor;
    }

    /** For DynamoDB Local, which reports a write transaction at half what DynamoDB bills for it. */
    static CapacityMeter forDynamoDbLocal() {
        return new CapacityMeter(2);
    }

    private final Map<String, Totals> phases = new ConcurrentHashMap<>();
    private volatile String phase = "setup";

    /** Every call from now on counts towards {@code name}. */
    void phase(String name) {
        phase = name;
    }

    Totals totals(String name) {
        return phases.computeIfAbsent(name, n -> new Totals());
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (request instanceof GetItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof PutItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof UpdateItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof DeleteItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof QueryRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof ScanRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof BatchGetItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof BatchWriteItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof TransactGetItemsRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof TransactWriteItemsRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        return request;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Totals totals = totals(phase);
        totals.calls.increment();
        List<ConsumedCapacity> consumed = consumed(context.response());
        if (consumed.isEmpty()) {
            totals.unmetered.increment();
        }
        for (ConsumedCapacity capacity : consumed) {
            double read = capacity.readCapacityUnits() == null ? 0 : capacity.readCapacityUnits();
            double write = capacity.writeCapacityUnits() == null ? 0 : capacity.writeCapacityUnits();
            if (read == 0 && write == 0 && capacity.capacityUnits() != null) {
                if (READS.contains(operation)) {
                    read = capacity.capacityUnits();
                } else {
                    write = capacity.capacityUnits();
                }
            }
            if ("TransactWriteItems".equals(operation)) {
                write *= transactionalWriteFactor;
                totals.transactionalWrite.add(write);
            }
            totals.read.add(read);
            totals.write.add(write);
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Totals totals = totals(phase);
        totals.calls.increment();
        totals.failedCalls.increment();
    }

    private static List<ConsumedCapacity> consumed(SdkResponse response) {
        if (response instanceof GetItemResponse r) {
            return one(r.consumedCapacity());
        } else if (response instanceof PutItemResponse r) {
            return one(r.consumedCapacity());
        } else if (response instanceof UpdateItemResponse r) {
            return one(r.consumedCapacity());
        } else if (response instanceof DeleteItemResponse r) {
            return one(r.consumedCapacity());
        } else if (response instanceof QueryResponse r) {
            return one(r.consumedCapacity());
        } else if (response instanceof ScanResponse r) {
            return one(r.consumedCapacity());
        } else if (response instanceof BatchGetItemResponse r) {
            return r.consumedCapacity();
        } else if (response instanceof BatchWriteItemResponse r) {
            return r.consumedCapacity();
        } else if (response instanceof TransactGetItemsResponse r) {
            return r.consumedCapacity();
        } else if (response instanceof TransactWriteItemsResponse r) {
            return r.consumedCapacity();
        }
        return List.of();
    }

    private static List<ConsumedCapacity> one(ConsumedCapacity capacity) {
        return capacity == null ? List.of() : List.of(capacity);
    }
}
