package org.costobservatory.store.dynamodb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.costobservatory.store.StoreUnavailableException;
import org.costobservatory.time.Sleeper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchWriteItem in chunks of 25, resending {@code UnprocessedItems} with capped exponential back-off. BatchWriteItem
 * is not atomic; callers make the result visible only after every chunk is written.
 */
final class BatchWriter {
    static final int MAX_BATCH = 25;
    private static final int MAX_ATTEMPTS = 10;
    private static final Duration BASE = Duration.ofMillis(50);
    private static final Duration CAP = Duration.ofSeconds(5);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Sleeper sleeper;

    BatchWriter(DynamoDbClient dynamo, String table, Sleeper sleeper) {
        this.dynamo = dynamo;
        this.table = table;
        this.sleeper = sleeper;
    }

    void write(List<WriteRequest> requests) {
        List<Runnable> chunks = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += MAX_BATCH) {
            List<WriteRequest> chunk = new ArrayList<>(requests.subList(from, Math.min(requests.size(),
                    from + MAX_BATCH)));
            chunks.add(() -> writeChunk(chunk));
        }
        Parallel.runAll(chunks);
    }

    private void writeChunk(List<WriteRequest> chunk) {
        List<WriteRequest> pending = chunk;
        for (int attempt = 1; ; attempt++) {
            Map<String, List<WriteRequest>> request = Map.of(table, pending);
            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(request));
            List<WriteRequest> unprocessed = response.hasUnprocessedItems()
                    ? response.unprocessedItems().getOrDefault(table, List.of())
                    : List.of();
            if (unprocessed.isEmpty()) {
                return;
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new StoreUnavailableException("DynamoDB left " + unprocessed.size()
                        + " items unprocessed after " + attempt + " attempts", null);
            }
            pending = new ArrayList<>(unprocessed);
            long delay = Math.min(CAP.toMillis(), BASE.toMillis() << Math.min(attempt - 1, 16));
            try {
                sleeper.sleep(Duration.ofMillis(delay));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while resending unprocessed items", e);
            }
        }
    }
}
