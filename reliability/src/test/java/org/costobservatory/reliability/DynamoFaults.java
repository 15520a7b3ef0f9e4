package org.costobservatory.reliability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Injects the DynamoDB faults DynamoDB Local never produces (throttling, unprocessed items, 500s), through the SDK's
 * interceptor seam, so the real client, its retries and our stores see them exactly as they would in AWS.
 */
final class DynamoFaults implements ExecutionInterceptor {
    private final Predicate<SdkRequest> matches;
    private final Fault fault;
    private final AtomicInteger remaining;
    private final AtomicInteger passThrough;
    final AtomicInteger injected = new AtomicInteger();
    final AtomicInteger seen = new AtomicInteger();

    enum Fault { THROTTLE, SERVER_ERROR, UNPROCESSED }

    DynamoFaults(Predicate<SdkRequest> matches, Fault fault, int times) {
        this(matches, fault, times, 0);
    }

    /** Lets the first {@code passThrough} matching calls succeed, then fails the next {@code times}. */
    DynamoFaults(Predicate<SdkRequest> matches, Fault fault, int times, int passThrough) {
        this.matches = matches;
        this.fault = fault;
        this.remaining = new AtomicInteger(times);
        this.passThrough = new AtomicInteger(passThrough);
    }

    static Predicate<SdkRequest> headerPut(String sortKey) {
        return request -> request instanceof PutItemRequest put && sortKey.equals(put.item().get("sk").s());
    }

    static Predicate<SdkRequest> watermarkUpdate() {
        return request -> request instanceof UpdateItemRequest update
                && "WATERMARK".equals(update.key().get("pk").s());
    }

    static Predicate<SdkRequest> batchWrite() {
        return request -> request instanceof BatchWriteItemRequest;
    }

    void setRemaining(int times) {
        remaining.set(times);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (fault == Fault.UNPROCESSED || !matches.test(context.request())) {
            return;
        }
        seen.incrementAndGet();
        if (passThrough.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0
                || remaining.getAndUpdate(n -> n > 0 ? n - 1 : n) <= 0) {
            return;
        }
        injected.incrementAndGet();
        if (fault == Fault.THROTTLE) {
            // Carries the error code the SDK's retry policy recognises, so the SDK retries it like the real thing.
            throw ProvisionedThroughputExceededException.builder().statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                            .errorMessage("injected throttling").serviceName("DynamoDb").build())
                    .message("injected throttling").build();
        }
        throw DynamoDbException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalServerError")
                        .errorMessage("injected server error").serviceName("DynamoDb").build())
                .message("injected server error").build();
    }

    /** Hands the whole batch back as unprocessed (it was written; resending a put is idempotent). */
    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (fault != Fault.UNPROCESSED || !(context.response() instanceof BatchWriteItemResponse response)
                || !matches.test(context.request())) {
            return context.response();
        }
        seen.incrementAndGet();
        if (remaining.getAndUpdate(n -> n > 0 ? n - 1 : n) <= 0) {
            return response;
        }
        injected.incrementAndGet();
        Map<String, List<WriteRequest>> items = ((BatchWriteItemRequest) context.request()).requestItems();
        return response.toBuilder().unprocessedItems(items).build();
    }
}
