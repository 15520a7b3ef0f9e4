package org.costobservatory.store.dynamodb;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.costobservatory.budget.SpendRollups;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.HourSpend;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.StoredCostDay;
import org.costobservatory.store.StoredUsageHour;
import org.costobservatory.time.Sleeper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Report facts in DynamoDB: each cost day and usage hour is replaced with {@link BucketReplacement}, its items
 * written by {@link CostDayMapper} and {@link UsageHourMapper}, and the rollups the rows count towards (decided by
 * {@link SpendRollups}) written by {@link SpendRollupMapper}.
 */
public final class DynamoDbReportStore implements ReportStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final BucketReplacement replacement;
    private final DataVersionWrites versions;

    public DynamoDbReportStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Sleeper.SYSTEM);
    }

    public DynamoDbReportStore(DynamoDbClient dynamo, String table, Sleeper sleeper) {
        this(dynamo, table, sleeper, Clock.systemUTC());
    }

    /** @param clock when a write starts, for the data version (see {@link DataVersionWrites}) */
    public DynamoDbReportStore(DynamoDbClient dynamo, String table, Sleeper sleeper, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
        this.versions = DataVersionWrites.of(dynamo, table, clock);
        this.replacement = new BucketReplacement(dynamo, table, new BatchWriter(dynamo, table, sleeper),
                new ScopeRegistry(dynamo, table), versions);
    }

    @Override
    public boolean replaceCostDay(CostDay day, RunInfo run) {
        return Dynamo.call("replace cost day " + day.date(), () -> {
            String pk = Keys.costDay(day.date());
            List<Map<String, AttributeValue>> rows = new ArrayList<>(day.rows().size());
            for (CostRow row : day.rows()) {
                rows.add(CostDayMapper.row(pk, row, run));
            }
            String digest = BucketReplacement.digest(day.rows().stream().map(CostDayMapper::canonical).toList());
            BucketReplacement.Bucket<SpendRollups.Settled> bucket = new BucketReplacement.Bucket<>(pk,
                    Keys.COST_HEADER, digest, rows, SpendRollups.settled(day.rows()), SpendRollups.Settled.EMPTY,
                    (scopes, retired) -> CostDayMapper.header(pk, day, scopes, retired, run));
            return replacement.replace(bucket, run, (scope, settled) ->
                    SpendRollupMapper.settledUpdate(table, scope, day.date(), settled, run));
        });
    }

    @Override
    public Optional<StoredCostDay> costDay(LocalDate date) {
        return Dynamo.call("read cost day " + date, () ->
                replacement.read(Keys.costDay(date), Keys.COST_HEADER).map(stored -> {
                    List<CostRow> rows = new ArrayList<>();
                    for (Map<String, AttributeValue> item : stored.rows()) {
                        rows.add(CostDayMapper.row(item));
                    }
                    return CostDayMapper.day(date, stored.header(), rows);
                }));
    }

    /**
     * @throws IllegalArgumentException when two rows share a key: rows come from a
     *         {@link org.costobservatory.domain.UsageBucket}, which adds such rows up
     */
    @Override
    public boolean replaceUsageHour(Instant hourStart, List<PricedUsageRow> priced, RunInfo run) {
        Set<String> keys = new HashSet<>();
        for (PricedUsageRow row : priced) {
            if (!keys.add(row.row().key())) {
                throw new IllegalArgumentException("two usage rows of " + hourStart + " share the key "
                        + row.row().key() + "; rows of one hour come from a UsageBucket, which adds them up");
            }
        }
        return Dynamo.call("replace usage hour " + hourStart, () -> {
            String pk = Keys.usageHour(hourStart);
            List<Map<String, AttributeValue>> rows = new ArrayList<>(priced.size());
            for (PricedUsageRow row : priced) {
                rows.add(UsageHourMapper.row(pk, row, run));
            }
            LocalDate date = hourStart.atOffset(ZoneOffset.UTC).toLocalDate();
            int hour = hourStart.atOffset(ZoneOffset.UTC).getHour();
            String digest = BucketReplacement.digest(priced.stream().map(UsageHourMapper::canonical).toList());
            BucketReplacement.Bucket<SpendRollups.Hour> bucket = new BucketReplacement.Bucket<>(pk,
                    Keys.USAGE_HEADER, digest, rows, SpendRollups.usage(priced), SpendRollups.Hour.EMPTY,
                    (scopes, retired) -> UsageHourMapper.header(pk, hourStart, priced, scopes, retired, run));
            return replacement.replace(bucket, run, (scope, usage) ->
                    SpendRollupMapper.hourUpdate(table, scope, date, hour, usage, run));
        });
    }

    @Override
    public boolean repriceHour(SpendScope scope, Instant hourStart, String generation,
                               Map<String, HourSpend> byModel) {
        return Dynamo.call("re-price hour " + hourStart + " of " + scope.text(), () -> {
            return versions.during(() -> {
                try {
                    dynamo.updateItem(SpendRollupMapper.repriceUpdate(table, scope,
                            hourStart.atOffset(ZoneOffset.UTC).toLocalDate(),
                            hourStart.atOffset(ZoneOffset.UTC).getHour(), byModel, generation));
                    return true;
                } catch (ConditionalCheckFailedException newerRunStoredTheHour) {
                    return false;
                }
            });
        });
    }

    @Override
    public List<StoredUsageHour> usageDay(LocalDate date) {
        Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        @SuppressWarnings("unchecked")
        Optional<StoredUsageHour>[] hours = new Optional[24];
        List<Runnable> reads = new ArrayList<>(24);
        for (int h = 0; h < 24; h++) {
            int hour = h;
            reads.add(() -> hours[hour] = usageHour(start.plusSeconds(3600L * hour)));
        }
        Parallel.runAll(reads);
        List<StoredUsageHour> stored = new ArrayList<>();
        for (Optional<StoredUsageHour> hour : hours) {
            hour.ifPresent(stored::add);
        }
        return stored;
    }

    @Override
    public Optional<StoredUsageHour> usageHour(Instant hourStart) {
        return Dynamo.call("read usage hour " + hourStart, () ->
                replacement.read(Keys.usageHour(hourStart), Keys.USAGE_HEADER).map(stored -> {
                    List<PricedUsageRow> rows = new ArrayList<>();
                    for (Map<String, AttributeValue> item : stored.rows()) {
                        rows.add(UsageHourMapper.row(item));
                    }
                    return UsageHourMapper.hour(hourStart, stored.header(), rows);
                }));
    }

    /** Hours are independent items, so they are read a few at a time: a week is 168 hours. */
    @Override
    public List<StoredUsageHour> usageHours(Instant from, Instant to) {
        List<java.util.concurrent.Callable<Optional<StoredUsageHour>>> reads = new ArrayList<>();
        for (Instant hour = from; hour.isBefore(to); hour = hour.plusSeconds(3600)) {
            Instant start = hour;
            reads.add(() -> usageHour(start));
        }
        List<StoredUsageHour> hours = new ArrayList<>();
        Parallel.callAll(reads).forEach(hour -> hour.ifPresent(hours::add));
        return hours;
    }
}
