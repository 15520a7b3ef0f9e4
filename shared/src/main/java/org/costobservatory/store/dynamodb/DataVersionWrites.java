package org.costobservatory.store.dynamodb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.costobservatory.store.DataVersion;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Brackets every write to the rollups and the watermarks with the data version: before it, the write is listed as in
 * flight and {@code seq} moves on; after it (also when it failed), it is taken off and {@code seq} moves on again.
 * A reader that finds a write in flight computes spend fresh and keeps nothing; a reader that finds none may reuse
 * spend computed at the same {@code seq}, because no write has started since that {@code seq} was read.
 */
final class DataVersionWrites {
    /** For writes nothing of spend rests on (the learned prices: the rollups they change are re-priced apart). */
    static final DataVersionWrites UNVERSIONED = new DataVersionWrites(null, null, null);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    private DataVersionWrites(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    static DataVersionWrites of(DynamoDbClient dynamo, String table, Clock clock) {
        return new DataVersionWrites(Objects.requireNonNull(dynamo), Objects.requireNonNull(table),
                Objects.requireNonNull(clock));
    }

    <T> T during(Supplier<T> write) {
        if (dynamo == null) {
            return write.get();
        }
        Instant started = clock.instant();
        String mine = DataVersionMapper.entry(started, UUID.randomUUID().toString());
        var begun = dynamo.updateItem(DataVersionMapper.begin(table, mine));
        Set<String> done = new LinkedHashSet<>();
        done.add(mine);
        for (String entry : DataVersionMapper.entries(begun.attributes())) {
            // Writers that died mid-write; readers ignore their entries already, this tidies them away.
            if (Duration.between(DataVersionMapper.started(entry), started).compareTo(DataVersion.LONGEST_WRITE) > 0) {
                done.add(entry);
            }
        }
        T result;
        try {
            result = write.get();
        } catch (RuntimeException | Error e) {
            try {
                dynamo.updateItem(DataVersionMapper.end(table, done));
            } catch (RuntimeException endFailed) {
                e.addSuppressed(endFailed);
            }
            throw e;
        }
        dynamo.updateItem(DataVersionMapper.end(table, done));
        return result;
    }

    void during(Runnable write) {
        during(() -> {
            write.run();
            return null;
        });
    }
}
