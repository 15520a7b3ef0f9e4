package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.bool;
import static org.costobservatory.store.dynamodb.Items.map;
import static org.costobservatory.store.dynamodb.Items.money;
import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;
import static org.costobservatory.store.dynamodb.Items.strings;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.PricedUsage;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.HourSpend;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.SpendScope;
import org.costobservatory.store.StoredCostDay;
import org.costobservatory.store.StoredUsageHour;
import org.costobservatory.time.Sleeper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Report facts in DynamoDB. A replacement writes the new rows under the run's generation, then flips the day's (or
 * hour's) header to that generation with a conditional write, updates the rollups, and finally deletes rows of older
 * generations. Readers follow the header, so they see the old rows or the new rows, never a mix; a crash anywhere
 * leaves the previous content visible and the next run finishes the job.
 */
public final class DynamoDbReportStore implements ReportStore {
    private static final String NEWER_OR_SAME = "attribute_not_exists(generation) OR generation <= :g";

    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchWriter batch;
    private final ScopeRegistry scopes;

    public DynamoDbReportStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Sleeper.SYSTEM);
    }

    public DynamoDbReportStore(DynamoDbClient dynamo, String table, Sleeper sleeper) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
        this.batch = new BatchWriter(dynamo, table, sleeper);
        this.scopes = new ScopeRegistry(dynamo, table);
    }

    // ---------------------------------------------------------------- cost

    @Override
    public boolean replaceCostDay(CostDay day, RunInfo run) {
        return Dynamo.call("replace cost day " + day.date(), () -> {
            String pk = Keys.costDay(day.date());
            Map<String, CostRow> rows = mergeCost(day.rows());
            Map<String, AttributeValue> header = Dynamo.get(dynamo, table, pk, Keys.COST_HEADER);
            if (isNewer(header, run)) {
                return false;
            }
            List<WriteRequest> puts = new ArrayList<>();
            for (Map.Entry<String, CostRow> entry : rows.entrySet()) {
                puts.add(put(costRowItem(pk, Keys.row(run.generation(), entry.getKey()), entry.getValue(), run)));
            }
            batch.write(puts);

            Map<SpendScope, SettledRollup> rollups = settledRollups(rows.values());
            BigDecimal total = rows.values().stream().map(CostRow::amountCents).reduce(BigDecimal.ZERO,
                    BigDecimal::add);
            List<String> current = rollups.keySet().stream().map(SpendScope::text).sorted().toList();
            List<String> retired = retiredScopes(header, current);
            Map<String, AttributeValue> newHeader = new LinkedHashMap<>();
            newHeader.put(Keys.PK, s(pk));
            newHeader.put(Keys.SK, s(Keys.COST_HEADER));
            newHeader.put("report", s("cost"));
            newHeader.put("date", s(day.date().toString()));
            newHeader.put("generation", s(run.generation()));
            newHeader.put("row_count", n(rows.size()));
            newHeader.put("total_cents", money(total));
            newHeader.put("total_usd", money(Money.centsToUsd(total)));
            newHeader.put("scopes", strings(current));
            newHeader.put("retired_scopes", strings(retired));
            newHeader.put("run_id", s(run.runId()));
            newHeader.put("fetched_at", s(run.fetchedAt().toString()));
            if (!flip(newHeader, run)) {
                deleteRows(pk, generation -> generation.equals(run.generation()));
                return false;
            }
            List<Runnable> updates = new ArrayList<>();
            for (Map.Entry<SpendScope, SettledRollup> entry : rollups.entrySet()) {
                updates.add(() -> updateSettled(entry.getKey(), day.date(), entry.getValue(), run));
            }
            for (String scope : retired) {
                updates.add(() -> updateSettled(SpendScope.parse(scope), day.date(), SettledRollup.EMPTY, run));
            }
            Parallel.runAll(updates);
            deleteRows(pk, generation -> generation.compareTo(run.generation()) < 0);
            scopes.register(rollups.keySet());
            return true;
        });
    }

    private static Map<String, CostRow> mergeCost(List<CostRow> rows) {
        Map<String, CostRow> merged = new TreeMap<>();
        for (CostRow row : rows) {
            merged.merge(row.key(), row, (a, b) -> a.withAmountCents(a.amountCents().add(b.amountCents())));
        }
        return merged;
    }

    private Map<String, AttributeValue> costRowItem(String pk, String sk, CostRow row, RunInfo run) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(pk));
        item.put(Keys.SK, s(sk));
        item.put("date", s(row.date().toString()));
        item.put("workspace_id", s(row.workspaceId()));
        putUnlessNone(item, "description", row.description());
        putUnlessNone(item, "cost_type", row.costType());
        putUnlessNone(item, "model", row.model());
        putUnlessNone(item, "service_tier", row.serviceTier());
        putUnlessNone(item, "token_type", row.tokenType());
        putUnlessNone(item, "context_window", row.contextWindow());
        putUnlessNone(item, "inference_geo", row.inferenceGeo());
        item.put("currency", s(row.currency()));
        item.put("amount_cents", money(row.amountCents()));
        item.put("amount_usd", money(row.amountUsd()));
        item.put("generation", s(run.generation()));
        item.put("run_id", s(run.runId()));
        item.put("fetched_at", s(run.fetchedAt().toString()));
        return item;
    }

    private static CostRow costRowFrom(Map<String, AttributeValue> item) {
        return new CostRow(LocalDate.parse(Items.str(item, "date")), Items.str(item, "workspace_id"),
                Items.str(item, "description"), Items.str(item, "cost_type"), Items.str(item, "model"),
                Items.str(item, "service_tier"), Items.str(item, "token_type"), Items.str(item, "context_window"),
                Items.str(item, "inference_geo"), Items.str(item, "currency", "USD"),
                Items.dec(item, "amount_cents"));
    }

    private record SettledRollup(BigDecimal cents, Map<String, BigDecimal> byModel) {
        static final SettledRollup EMPTY = new SettledRollup(BigDecimal.ZERO, Map.of());
    }

    private static Map<SpendScope, SettledRollup> settledRollups(Iterable<CostRow> rows) {
        Map<SpendScope, BigDecimal> totals = new LinkedHashMap<>();
        Map<SpendScope, Map<String, BigDecimal>> byModel = new LinkedHashMap<>();
        for (CostRow row : rows) {
            for (SpendScope scope : List.of(SpendScope.ORG, SpendScope.workspace(row.workspaceId()))) {
                totals.merge(scope, row.amountCents(), BigDecimal::add);
                byModel.computeIfAbsent(scope, s -> new TreeMap<>()).merge(row.model(), row.amountCents(),
                        BigDecimal::add);
            }
        }
        Map<SpendScope, SettledRollup> result = new LinkedHashMap<>();
        totals.forEach((scope, cents) -> result.put(scope, new SettledRollup(cents, byModel.get(scope))));
        return result;
    }

    private void updateSettled(SpendScope scope, LocalDate date, SettledRollup rollup, RunInfo run) {
        Map<String, AttributeValue> models = new LinkedHashMap<>();
        rollup.byModel().forEach((model, cents) -> models.put(model, money(cents)));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":scope", s(scope.text()));
        values.put(":date", s(date.toString()));
        values.put(":c", money(rollup.cents()));
        values.put(":u", money(Money.centsToUsd(rollup.cents())));
        values.put(":m", map(models));
        values.put(":g", s(run.generation()));
        values.put(":t", s(run.fetchedAt().toString()));
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Dynamo.key(Keys.spend(scope), date.toString()))
                    .updateExpression("SET #scope = :scope, #date = :date, settled_cents = :c, settled_usd = :u, "
                            + "settled_by_model = :m, settled_generation = :g, settled_at = :t")
                    .conditionExpression("attribute_not_exists(settled_generation) OR settled_generation <= :g")
                    .expressionAttributeNames(Map.of("#scope", "scope", "#date", "date"))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException newerRunWroteIt) {
            // A newer generation already holds this rollup; it stays.
        }
    }

    @Override
    public Optional<StoredCostDay> costDay(LocalDate date) {
        return Dynamo.call("read cost day " + date, () -> {
            String pk = Keys.costDay(date);
            Map<String, AttributeValue> header = Dynamo.get(dynamo, table, pk, Keys.COST_HEADER);
            if (header == null) {
                return Optional.empty();
            }
            String generation = Items.str(header, "generation");
            List<CostRow> rows = new ArrayList<>();
            for (Map<String, AttributeValue> item : queryRows(pk, generation)) {
                rows.add(costRowFrom(item));
            }
            return Optional.of(new StoredCostDay(date, rows, Items.dec(header, "total_cents"), generation,
                    Items.str(header, "run_id"), Instant.parse(Items.str(header, "fetched_at"))));
        });
    }

    // ---------------------------------------------------------------- usage

    @Override
    public boolean replaceUsageHour(Instant hourStart, List<PricedUsageRow> rows, RunInfo run) {
        return Dynamo.call("replace usage hour " + hourStart, () -> {
            String pk = Keys.usageHour(hourStart);
            Map<String, PricedUsageRow> merged = mergeUsage(rows);
            Map<String, AttributeValue> header = Dynamo.get(dynamo, table, pk, Keys.USAGE_HEADER);
            if (isNewer(header, run)) {
                return false;
            }
            List<WriteRequest> puts = new ArrayList<>();
            long tokens = 0;
            BigDecimal total = BigDecimal.ZERO;
            for (Map.Entry<String, PricedUsageRow> entry : merged.entrySet()) {
                puts.add(put(usageRowItem(pk, Keys.row(run.generation(), entry.getKey()), entry.getValue(), run)));
                tokens += entry.getValue().row().totalTokens();
                total = total.add(entry.getValue().price().cents());
            }
            batch.write(puts);

            Map<SpendScope, Map<String, HourSpend>> rollups = usageRollups(merged.values());
            Map<SpendScope, String> keyWorkspaces = keyWorkspaces(merged.values());
            List<String> current = rollups.keySet().stream().map(SpendScope::text).sorted().toList();
            List<String> retired = retiredScopes(header, current);
            Map<String, AttributeValue> newHeader = new LinkedHashMap<>();
            newHeader.put(Keys.PK, s(pk));
            newHeader.put(Keys.SK, s(Keys.USAGE_HEADER));
            newHeader.put("report", s("usage"));
            newHeader.put("hour_start", s(hourStart.toString()));
            newHeader.put("generation", s(run.generation()));
            newHeader.put("row_count", n(merged.size()));
            newHeader.put("total_tokens", n(tokens));
            newHeader.put("cost_cents", money(total));
            newHeader.put("cost_usd", money(Money.centsToUsd(total)));
            newHeader.put("scopes", strings(current));
            newHeader.put("retired_scopes", strings(retired));
            newHeader.put("run_id", s(run.runId()));
            newHeader.put("fetched_at", s(run.fetchedAt().toString()));
            if (!flip(newHeader, run)) {
                deleteRows(pk, generation -> generation.equals(run.generation()));
                return false;
            }
            LocalDate date = hourStart.atOffset(ZoneOffset.UTC).toLocalDate();
            int hour = hourStart.atOffset(ZoneOffset.UTC).getHour();
            List<Runnable> updates = new ArrayList<>();
            for (Map.Entry<SpendScope, Map<String, HourSpend>> entry : rollups.entrySet()) {
                updates.add(() -> updateHour(entry.getKey(), date, hour, entry.getValue(),
                        Optional.ofNullable(keyWorkspaces.get(entry.getKey())), run));
            }
            for (String scope : retired) {
                updates.add(() -> updateHour(SpendScope.parse(scope), date, hour, Map.of(), Optional.empty(), run));
            }
            Parallel.runAll(updates);
            deleteRows(pk, generation -> generation.compareTo(run.generation()) < 0);
            scopes.register(rollups.keySet());
            return true;
        });
    }

    private static Map<String, PricedUsageRow> mergeUsage(List<PricedUsageRow> rows) {
        Map<String, PricedUsageRow> merged = new TreeMap<>();
        for (PricedUsageRow row : rows) {
            merged.merge(row.row().key(), row, (a, b) -> new PricedUsageRow(a.row().plus(b.row()),
                    new PricedUsage(a.price().cents().add(b.price().cents()), a.price().pricedAs(),
                            a.price().unpriced() || b.price().unpriced())));
        }
        return merged;
    }

    private Map<String, AttributeValue> usageRowItem(String pk, String sk, PricedUsageRow priced, RunInfo run) {
        UsageRow row = priced.row();
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(pk));
        item.put(Keys.SK, s(sk));
        item.put("hour_start", s(row.bucketStart().toString()));
        item.put("workspace_id", s(row.workspaceId()));
        item.put("api_key_id", s(row.apiKeyId()));
        putUnlessNone(item, "model", row.model());
        putUnlessNone(item, "service_tier", row.serviceTier());
        putUnlessNone(item, "context_window", row.contextWindow());
        item.put("uncached_input_tokens", n(row.uncachedInputTokens()));
        item.put("cache_read_input_tokens", n(row.cacheReadInputTokens()));
        item.put("cache_creation_5m_input_tokens", n(row.cacheCreation5mInputTokens()));
        item.put("cache_creation_1h_input_tokens", n(row.cacheCreation1hInputTokens()));
        item.put("output_tokens", n(row.outputTokens()));
        item.put("web_search_requests", n(row.webSearchRequests()));
        item.put("cost_cents", money(priced.price().cents()));
        item.put("cost_usd", money(Money.centsToUsd(priced.price().cents())));
        item.put("priced_as", s(priced.price().pricedAs()));
        if (priced.price().unpriced()) {
            item.put("unpriced", bool(true));
        }
        item.put("generation", s(run.generation()));
        item.put("run_id", s(run.runId()));
        item.put("fetched_at", s(run.fetchedAt().toString()));
        return item;
    }

    private static PricedUsageRow usageRowFrom(Map<String, AttributeValue> item) {
        UsageRow row = new UsageRow(Instant.parse(Items.str(item, "hour_start")), Items.str(item, "workspace_id"),
                Items.str(item, "api_key_id"), Items.str(item, "model"), Items.str(item, "service_tier"),
                Items.str(item, "context_window"), Items.num(item, "uncached_input_tokens"),
                Items.num(item, "cache_read_input_tokens"), Items.num(item, "cache_creation_5m_input_tokens"),
                Items.num(item, "cache_creation_1h_input_tokens"), Items.num(item, "output_tokens"),
                Items.num(item, "web_search_requests"));
        return new PricedUsageRow(row, new PricedUsage(Items.dec(item, "cost_cents"),
                Items.str(item, "priced_as", row.model()), Items.flag(item, "unpriced")));
    }

    private static Map<SpendScope, Map<String, HourSpend>> usageRollups(Iterable<PricedUsageRow> rows) {
        Map<SpendScope, Map<String, HourSpend>> result = new LinkedHashMap<>();
        for (PricedUsageRow priced : rows) {
            UsageRow row = priced.row();
            BigDecimal cents = priced.price().cents();
            HourSpend spend = new HourSpend(cents, row.absentFromCostReport() ? cents : BigDecimal.ZERO,
                    priced.price().unpriced());
            for (SpendScope scope : List.of(SpendScope.ORG, SpendScope.workspace(row.workspaceId()),
                    SpendScope.apiKey(row.apiKeyId()))) {
                result.computeIfAbsent(scope, s -> new TreeMap<>()).merge(row.model(), spend, HourSpend::plus);
            }
        }
        return result;
    }

    private static Map<SpendScope, String> keyWorkspaces(Iterable<PricedUsageRow> rows) {
        Map<SpendScope, String> result = new HashMap<>();
        for (PricedUsageRow priced : rows) {
            result.put(SpendScope.apiKey(priced.row().apiKeyId()), priced.row().workspaceId());
        }
        return result;
    }

    private void updateHour(SpendScope scope, LocalDate date, int hour, Map<String, HourSpend> byModel,
                            Optional<String> workspaceId, RunInfo run) {
        String hourAttribute = DynamoDbSpendStore.hourAttribute(hour);
        Map<String, AttributeValue> models = new LinkedHashMap<>();
        byModel.forEach((model, spend) -> {
            Map<String, AttributeValue> value = new LinkedHashMap<>();
            value.put("cents", money(spend.cents()));
            value.put("priority_cents", money(spend.priorityCents()));
            if (spend.unpriced()) {
                value.put("unpriced", bool(true));
            }
            models.put(model, map(value));
        });
        Map<String, String> names = new HashMap<>();
        names.put("#scope", "scope");
        names.put("#date", "date");
        names.put("#hour", hourAttribute);
        names.put("#hourgen", hourAttribute + "_generation");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":scope", s(scope.text()));
        values.put(":date", s(date.toString()));
        values.put(":m", map(models));
        values.put(":g", s(run.generation()));
        String update = "SET #scope = :scope, #date = :date, #hour = :m, #hourgen = :g";
        if (workspaceId.isPresent()) {
            update += ", workspace_id = :ws";
            values.put(":ws", s(workspaceId.get()));
        }
        String expression = update;
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Dynamo.key(Keys.spend(scope), date.toString()))
                    .updateExpression(expression)
                    .conditionExpression("attribute_not_exists(#hourgen) OR #hourgen <= :g")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException newerRunWroteIt) {
            // A newer generation already holds this hour of the rollup.
        }
    }

    @Override
    public Optional<StoredUsageHour> usageHour(Instant hourStart) {
        return Dynamo.call("read usage hour " + hourStart, () -> {
            String pk = Keys.usageHour(hourStart);
            Map<String, AttributeValue> header = Dynamo.get(dynamo, table, pk, Keys.USAGE_HEADER);
            if (header == null) {
                return Optional.empty();
            }
            String generation = Items.str(header, "generation");
            List<PricedUsageRow> rows = new ArrayList<>();
            for (Map<String, AttributeValue> item : queryRows(pk, generation)) {
                rows.add(usageRowFrom(item));
            }
            return Optional.of(new StoredUsageHour(hourStart, rows, Items.dec(header, "cost_cents"), generation,
                    Items.str(header, "run_id"), Instant.parse(Items.str(header, "fetched_at"))));
        });
    }

    // ---------------------------------------------------------------- shared steps

    private static boolean isNewer(Map<String, AttributeValue> header, RunInfo run) {
        String stored = header == null ? null : Items.str(header, "generation");
        return stored != null && stored.compareTo(run.generation()) > 0;
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

    private List<Map<String, AttributeValue>> queryRows(String pk, String generation) {
        String prefix = Keys.ROW_PREFIX + generation + "#";
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        QueryRequest request = QueryRequest.builder().tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(pk), ":prefix", s(prefix)))
                .consistentRead(true).build();
        for (QueryResponse page : dynamo.queryPaginator(request)) {
            items.addAll(page.items());
        }
        return items;
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

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    private static void putUnlessNone(Map<String, AttributeValue> item, String name, String value) {
        if (!Dimensions.NONE.equals(value)) {
            item.put(name, s(value));
        }
    }
}
