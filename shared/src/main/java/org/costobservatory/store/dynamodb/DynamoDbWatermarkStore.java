package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.store.StoreUnavailableException;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Watermarks with optimistic locking: a mark moves only forward and only from the version it was read at. */
public final class DynamoDbWatermarkStore implements WatermarkStore {
    private static final int MAX_CONFLICTS = 5;

    private final DynamoDbClient dynamo;
    private final String table;
    private final DataVersionWrites versions;

    public DynamoDbWatermarkStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    /** @param clock when a write starts, for the data version (see {@link DataVersionWrites}) */
    public DynamoDbWatermarkStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
        this.versions = DataVersionWrites.of(dynamo, table, clock);
    }

    @Override
    public Optional<Watermark> get(ReportKind report) {
        return Dynamo.call("read the " + report.id() + " watermark", () ->
                fromItem(report, Dynamo.get(dynamo, table, Keys.WATERMARK, Keys.watermark(report))));
    }

    @Override
    public Map<ReportKind, Watermark> all() {
        return Dynamo.call("read the watermarks", () -> {
            Map<ReportKind, Watermark> marks = new EnumMap<>(ReportKind.class);
            var response = dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.WATERMARK))).consistentRead(true));
            for (Map<String, AttributeValue> item : response.items()) {
                for (ReportKind report : ReportKind.values()) {
                    if (Keys.watermark(report).equals(item.get(Keys.SK).s())) {
                        fromItem(report, item).ifPresent(mark -> marks.put(report, mark));
                    }
                }
            }
            return marks;
        });
    }

    private static Optional<Watermark> fromItem(ReportKind report, Map<String, AttributeValue> item) {
        if (item == null || Items.str(item, "stored_through") == null) {
            return Optional.empty();
        }
        return Optional.of(new Watermark(report, Instant.parse(Items.str(item, "stored_through")),
                Items.instant(item, "last_success_at"), Items.instant(item, "last_window_from"),
                Items.instant(item, "last_window_to"), Optional.ofNullable(Items.str(item, "last_run_id")),
                Items.num(item, "version")));
    }

    @Override
    public Instant advance(ReportKind report, Instant from, Instant to) {
        return Dynamo.call("advance the " + report.id() + " watermark", () -> {
            for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
                Optional<Watermark> current = get(report);
                if (current.isPresent()) {
                    Instant mark = current.get().storedThrough();
                    if (!to.isAfter(mark) || from.isAfter(mark)) {
                        return mark;   // nothing new, or a gap would be skipped
                    }
                }
                Map<String, String> names = Map.of("#v", "version");
                Map<String, AttributeValue> values = new HashMap<>();
                values.put(":to", s(to.toString()));
                values.put(":one", n(1));
                values.put(":zero", n(0));
                String update = "SET stored_through = :to, #v = if_not_exists(#v, :zero) + :one";
                if (report == ReportKind.COST) {
                    update += ", settled_through = :day";
                    values.put(":day", s(to.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1).toString()));
                }
                String condition;
                if (current.isPresent()) {
                    condition = "#v = :expected";
                    values.put(":expected", n(current.get().version()));
                } else {
                    condition = "attribute_not_exists(stored_through)";
                }
                String expression = update;
                // Headroom's spend rests on the marks (settled through, data as of): a data version write.
                boolean moved = versions.during(() -> {
                    try {
                        dynamo.updateItem(b -> b.tableName(table)
                                .key(Dynamo.key(Keys.WATERMARK, Keys.watermark(report)))
                                .updateExpression(expression).conditionExpression(condition)
                                .expressionAttributeNames(names).expressionAttributeValues(values));
                        return true;
                    } catch (ConditionalCheckFailedException concurrentRunMovedIt) {
                        return false;   // read again and decide again
                    }
                });
                if (moved) {
                    return to;
                }
            }
            throw new StoreUnavailableException("the " + report.id() + " watermark kept changing under "
                    + MAX_CONFLICTS + " attempts to advance it", null);
        });
    }

    @Override
    public void recordSuccess(ReportKind report, Instant windowFrom, Instant windowTo, String runId,
                              Instant finishedAt) {
        Dynamo.run("record a successful " + report.id() + " run", () -> dynamo.updateItem(b -> b.tableName(table)
                .key(Dynamo.key(Keys.WATERMARK, Keys.watermark(report)))
                .updateExpression("SET report = :r, last_success_at = :at, last_window_from = :from, "
                        + "last_window_to = :to, last_run_id = :run")
                .expressionAttributeValues(Map.of(":r", s(report.id()), ":at", s(finishedAt.toString()),
                        ":from", s(windowFrom.toString()), ":to", s(windowTo.toString()), ":run", s(runId)))));
    }
}
