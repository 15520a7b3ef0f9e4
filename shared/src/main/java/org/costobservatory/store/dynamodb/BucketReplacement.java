package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.s;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.store.RunInfo;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Replacing one bucket (a cost day or a usage hour), the one protocol both reports use:
 * <ol>
 *   <li>read the header; if a newer generation is stored, stop (nothing is written); if the stored content has the
 *       same digest as the new content, stop too: a re-pulled bucket that did not change costs one read and no
 *       writes (its rows, header and rollups already say exactly this);</li>
 *   <li>everything from here on is one write of the data version ({@link DataVersionWrites}), so headroom answers
 *       stop reusing spend computed before it;</li>
 *   <li>write the new rows under this run's generation (invisible: readers follow the header);</li>
 *   <li>flip the header to this generation with a write that only succeeds if no newer generation is there; if a
 *       newer run flipped first, delete this run's rows and stop;</li>
 *   <li>update the rollups of every scope the rows count towards, and zero the scopes that counted before and no
 *       longer do (each update guarded by its own generation);</li>
 *   <li>delete rows of older generations, and register the scopes.</li>
 * </ol>
 * Readers see the old bucket or the new one, never a mix; a crash anywhere leaves the previous content visible and
 * the next run finishes the job; running the same replacement twice changes nothing.
 */
final class BucketReplacement {
    private static final String NEWER_OR_SAME = "attribute_not_exists(generation) OR generation <= :g";
    static final String DIGEST = "content_digest";

    /**
     * What one replacement writes; {@code header} gets the current and retired scope texts. {@code digest} is a
     * digest of the bucket's content (not of run metadata), stored in the header as {@code content_digest}.
     */
    record Bucket<R>(String pk, String headerSk, String digest, List<Map<String, AttributeValue>> rows,
                     Map<SpendScope, R> rollups, R emptyRollup,
                     BiFunction<List<String>, List<String>, Map<String, AttributeValue>> header) {
    }

    /** Builds the guarded rollup update of one scope. */
    @FunctionalInterface
    interface RollupUpdate<R> {
        UpdateItemRequest of(SpendScope scope, R rollup);
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchWriter batch;
    private final ScopeRegistry scopes;
    private final DataVersionWrites versions;

    BucketReplacement(DynamoDbClient dynamo, String table, BatchWriter batch, ScopeRegistry scopes,
                      DataVersionWrites versions) {
        this.dynamo = dynamo;
        this.table = table;
        this.batch = batch;
        this.scopes = scopes;
        this.versions = versions;
    }

    /** @return true when this run's rows are now the stored ones (or already were) */
    <R> boolean replace(Bucket<R> bucket, RunInfo run, RollupUpdate<R> rollupUpdate) {
        Map<String, AttributeValue> header = Dynamo.get(dynamo, table, bucket.pk(), bucket.headerSk());
        String stored = header == null ? null : Items.str(header, "generation");
        if (stored != null && stored.compareTo(run.generation()) > 0) {
            return false;
        }
        if (header != null && bucket.digest().equals(Items.str(header, DIGEST))) {
            return true;
        }
        return versions.during(() -> write(bucket, run, rollupUpdate, header));
    }

    private <R> boolean write(Bucket<R> bucket, RunInfo run, RollupUpdate<R> rollupUpdate,
                              Map<String, AttributeValue> header) {
        List<WriteRequest> puts = new ArrayList<>(bucket.rows().size());
        for (Map<String, AttributeValue> row : bucket.rows()) {
            puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(row).build()).build());
        }
        batch.write(puts);

        List<String> current = bucket.rollups().keySet().stream().map(SpendScope::text).sorted().toList();
        List<String> retired = retiredScopes(header, current);
        Map<String, AttributeValue> newHeader = new java.util.LinkedHashMap<>(bucket.header().apply(current, retired));
        newHeader.put(DIGEST, s(bucket.digest()));
        if (!flip(newHeader, run)) {
            deleteRows(bucket.pk(), generation -> generation.equals(run.generation()));
            return false;
        }
        List<Runnable> updates = new ArrayList<>();
        bucket.rollups().forEach((scope, rollup) -> updates.add(() -> update(rollupUpdate.of(scope, rollup))));
        for (String scope : retired) {
            updates.add(() -> update(rollupUpdate.of(SpendScope.parse(scope), bucket.emptyRollup())));
        }
        Parallel.runAll(updates);
        deleteRows(bucket.pk(), generation -> generation.compareTo(run.generation()) < 0);
        scopes.register(bucket.rollups().keySet());
        return true;
    }

    /** A digest of a bucket's content: its rows' canonical lines, in key order (SHA-256, hex). */
    static String digest(java.util.Collection<String> canonicalLines) {
        return Keys.sha256(String.join("\n", new java.util.TreeSet<>(canonicalLines)));
    }

    /** Scopes that held data for this bucket before and hold none now; kept so a retried run zeroes them too. */
    private static List<String> retiredScopes(Map<String, AttributeValue> header, List<String> current) {
        if (header == null) {
            return List.of();
        }
        Set<String> retired = new LinkedHashSet<>(Items.stringList(header, "scopes"));
        retired.addAll(Items.stringList(header, "retired_scopes"));
        retired.removeAll(current);
        return retired.stream().sorted().toList();
    }

    private boolean flip(Map<String, AttributeValue> header, RunInfo run) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(header).conditionExpression(NEWER_OR_SAME)
                    .expressionAttributeValues(Map.of(":g", s(run.generation()))));
            return true;
        } catch (ConditionalCheckFailedException newerRunFlippedFirst) {
            return false;
        }
    }

    private void update(UpdateItemRequest request) {
        try {
            dynamo.updateItem(request);
        } catch (ConditionalCheckFailedException newerRunWroteIt) {
            // A newer generation already holds this part of the rollup; it stays.
        }
    }

    /** A stored bucket: its header and the rows of the generation the header names. */
    record Stored(Map<String, AttributeValue> header, List<Map<String, AttributeValue>> rows) {
    }

    /**
     * Reads a bucket with one consistent query of its partition (header and rows together, a page of up to 1 MB at a
     * time) instead of a read of the header and then a query of its rows: reports read hundreds of buckets. Rows of
     * other generations (a run's leftovers, a newer run not flipped yet) are skipped.
     */
    Optional<Stored> read(String pk, String headerSk) {
        QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", s(pk))).consistentRead(true).build();
        Map<String, AttributeValue> header = null;
        List<Map<String, AttributeValue>> rows = new ArrayList<>();
        for (QueryResponse page : dynamo.queryPaginator(request)) {
            for (Map<String, AttributeValue> item : page.items()) {
                String sk = item.get(Keys.SK).s();
                if (sk.equals(headerSk)) {
                    header = item;
                } else if (sk.startsWith(Keys.ROW_PREFIX)) {
                    rows.add(item);
                }
            }
        }
        if (header == null) {
            return Optional.empty();
        }
        String current = Items.str(header, "generation");
        rows.removeIf(row -> !Keys.generationOfRow(row.get(Keys.SK).s()).equals(current));
        return Optional.of(new Stored(header, rows));
    }

    private void deleteRows(String pk, Predicate<String> generationMatches) {
        QueryRequest request = QueryRequest.builder().tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(pk), ":prefix", s(Keys.ROW_PREFIX)))
                .projectionExpression("pk, sk").consistentRead(true).build();
        List<WriteRequest> deletes = new ArrayList<>();
        for (QueryResponse page : dynamo.queryPaginator(request)) {
            for (Map<String, AttributeValue> item : page.items()) {
                if (generationMatches.test(Keys.generationOfRow(item.get(Keys.SK).s()))) {
                    deletes.add(WriteRequest.builder()
                            .deleteRequest(DeleteRequest.builder().key(Map.of(Keys.PK, item.get(Keys.PK),
                                    Keys.SK, item.get(Keys.SK))).build())
                            .build());
                }
            }
        }
        batch.write(deletes);
    }
}
