package org.costobservatory.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.StoreUnavailableException;
import org.costobservatory.store.StoredCostDay;
import org.costobservatory.store.StoredUsageHour;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.TableDump;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

class DynamoDbReportStoreTest {
    private static final LocalDate DAY = LocalDate.parse("2026-08-10");
    private static final Instant HOUR = Instant.parse("2026-08-10T13:00:00Z");

    private final DynamoDbLocal local = DynamoDbLocal.shared();
    private DynamoDbClient dynamo;
    private String table;
    private DynamoDbReportStore store;
    private DynamoDbSpendStore spend;

    @BeforeEach
    void setUp() {
        dynamo = local.client();
        table = local.newTable();
        store = new DynamoDbReportStore(dynamo, table);
        spend = new DynamoDbSpendStore(dynamo, table);
    }

    private static CostRow cost(String workspace, String model, String tokenType, String cents) {
        return new CostRow(DAY, workspace, model + " " + tokenType, "tokens", model, "standard", tokenType, "0-200k",
                "not_available", "USD", new BigDecimal(cents));
    }

    private static RunInfo run(String scheduled) {
        return RunInfo.scheduled(ReportKind.COST, Instant.parse(scheduled), Instant.parse(scheduled));
    }

    @Test
    void storesADayExactlyAndTotalsItToTheCent() {
        // GIVEN a day with three lines, one in the Default workspace and one fractional amount
        CostDay day = new CostDay(DAY, List.of(
                cost(null, "claude-sonnet-4-5-20250929", "uncached_input_tokens", "375.000000"),
                cost("wrkspc_a", "claude-haiku-4-5-20251001", "output_tokens", "527.999760"),
                cost("wrkspc_a", "claude-haiku-4-5-20251001", "cache_creation.ephemeral_1h_input_tokens", "40")));

        // WHEN it is stored
        boolean current = store.replaceCostDay(day, run("2026-08-11T02:30:00Z"));

        // THEN the stored rows equal the input and the total is exact
        assertThat(current).isTrue();
        StoredCostDay stored = store.costDay(DAY).orElseThrow();
        assertThat(stored.rows()).containsExactlyInAnyOrderElementsOf(day.rows());
        assertThat(stored.totalCents()).isEqualByComparingTo("942.999760");
        assertThat(stored.rows()).anySatisfy(row -> assertThat(row.workspaceId()).isEqualTo("default"));
    }

    @Test
    void restatedDayReplacesTheOldRowsAndARepeatChangesNothing() {
        // GIVEN day D stored as {A: 1000c, B: 200c}
        store.replaceCostDay(new CostDay(DAY, List.of(cost("wrkspc_a", "claude-opus-4-6", "output_tokens", "1000"),
                cost("wrkspc_b", "claude-opus-4-6", "output_tokens", "200"))), run("2026-08-11T02:30:00Z"));

        // WHEN a later run restates it as {A: 1200c}
        CostDay restated = new CostDay(DAY, List.of(cost("wrkspc_a", "claude-opus-4-6", "output_tokens", "1200")));
        store.replaceCostDay(restated, run("2026-08-12T02:30:00Z"));
        List<String> afterFirst = TableDump.withoutRunMetadata(dynamo, table);
        store.replaceCostDay(restated, run("2026-08-12T02:30:00Z"));

        // THEN exactly {A: 1200c} is stored, B's line and its workspace spend are gone, and the repeat changed nothing
        StoredCostDay stored = store.costDay(DAY).orElseThrow();
        assertThat(stored.rows()).containsExactly(restated.rows().get(0));
        assertThat(rowItems()).hasSize(1);
        assertThat(settled(SpendScope.workspace("wrkspc_b"))).isEqualByComparingTo("0");
        assertThat(settled(SpendScope.workspace("wrkspc_a"))).isEqualByComparingTo("1200");
        assertThat(settled(SpendScope.ORG)).isEqualByComparingTo("1200");
        assertThat(TableDump.withoutRunMetadata(dynamo, table)).isEqualTo(afterFirst);
    }

    @Test
    void anOlderGenerationNeverReplacesANewerOne() {
        // GIVEN the day stored by the 12th's run
        store.replaceCostDay(new CostDay(DAY, List.of(cost("wrkspc_a", "claude-opus-4-6", "output_tokens", "1200"))),
                run("2026-08-12T02:30:00Z"));

        // WHEN a retry of the 11th's run arrives late with older figures
        boolean current = store.replaceCostDay(
                new CostDay(DAY, List.of(cost("wrkspc_a", "claude-opus-4-6", "output_tokens", "999"))),
                run("2026-08-11T02:30:00Z"));

        // THEN the newer figures stay, and the late run left no rows behind
        assertThat(current).isFalse();
        assertThat(store.costDay(DAY).orElseThrow().totalCents()).isEqualByComparingTo("1200");
        assertThat(rowItems()).hasSize(1);
        assertThat(settled(SpendScope.ORG)).isEqualByComparingTo("1200");
    }

    @Test
    void aCrashBeforeTheHeaderFlipLeavesTheOldDayVisibleAndTheNextRunCleansUp() {
        // GIVEN a stored day, and a store whose header write fails once (a crash between rows and flip)
        store.replaceCostDay(new CostDay(DAY, List.of(cost("wrkspc_a", "claude-opus-4-6", "output_tokens", "1000"))),
                run("2026-08-11T02:30:00Z"));
        AtomicBoolean failHeader = new AtomicBoolean(true);
        DynamoDbClient crashing = local.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutItemRequest put && "DAY".equals(put.item().get("sk").s())
                        && failHeader.getAndSet(false)) {
                    throw DynamoDbException.builder().message("injected crash before flip").build();
                }
            }
        });
        CostDay restated = new CostDay(DAY, List.of(cost("wrkspc_a", "claude-opus-4-6", "output_tokens", "1500"),
                cost("wrkspc_c", "claude-opus-4-6", "output_tokens", "10")));

        // WHEN the restating run crashes
        assertThatThrownBy(() -> new DynamoDbReportStore(crashing, table).replaceCostDay(restated,
                run("2026-08-12T02:30:00Z"))).isInstanceOf(StoreUnavailableException.class);

        // THEN readers still see the old day in full
        assertThat(store.costDay(DAY).orElseThrow().totalCents()).isEqualByComparingTo("1000");
        assertThat(settled(SpendScope.ORG)).isEqualByComparingTo("1000");

        // WHEN the retried run completes
        store.replaceCostDay(restated, run("2026-08-12T02:30:00Z"));

        // THEN the new day is visible and no row of the old generation remains
        assertThat(store.costDay(DAY).orElseThrow().totalCents()).isEqualByComparingTo("1510");
        assertThat(rowItems()).hasSize(2);
        assertThat(settled(SpendScope.ORG)).isEqualByComparingTo("1510");
    }

    @Test
    void usageHourKeepsEveryCountAndRollsUpByScopeModelAndTier() {
        // GIVEN an hour with a standard line, a priority line and a batch line under one key
        UsagePricer pricer = new UsagePricer(PriceTable.bundled());
        UsageRow standard = new UsageRow(HOUR, null, "apikey_1", "claude-opus-4-6", "standard", "0-200k", 9100,
                610000, 12000, 4000, 2300, 3);
        UsageRow priority = new UsageRow(HOUR, null, "apikey_1", "claude-opus-4-6", "priority", "0-200k", 150000,
                0, 0, 0, 41000, 0);
        UsageRow batch = new UsageRow(HOUR, "wrkspc_b", "apikey_2", "claude-haiku-4-5-20251001", "batch", "0-200k",
                1_000_000, 0, 0, 0, 100_000, 0);
        List<PricedUsageRow> rows = List.of(standard, priority, batch).stream()
                .map(row -> new PricedUsageRow(row, pricer.price(row))).toList();

        // WHEN it is stored
        store.replaceUsageHour(HOUR, rows, RunInfo.scheduled(ReportKind.USAGE, Instant.parse("2026-08-10T14:10:00Z"),
                Instant.parse("2026-08-10T14:10:00Z")));

        // THEN every count survives the round trip
        StoredUsageHour stored = store.usageHour(HOUR).orElseThrow();
        assertThat(stored.rows()).extracting(PricedUsageRow::row).containsExactlyInAnyOrder(standard, priority, batch);
        // opus standard: 9100*5 + 610000*0.5 + 12000*6.25 + 4000*10 + 2300*25 = 523000 micro-$ -> 52.3 cents + 3 searches
        // opus priority: 150000*5 + 41000*25 = 1775000 -> 177.5 cents; haiku batch: (1e6*1 + 1e5*5) * 0.5 -> 75 cents
        assertThat(stored.totalCents()).isEqualByComparingTo("307.8");
        DailySpend org = spend.read(SpendScope.ORG, DAY, DAY).get(0);
        assertThat(org.usageByHour().get(13).get("claude-opus-4-6").cents()).isEqualByComparingTo("232.8");
        assertThat(org.usageByHour().get(13).get("claude-opus-4-6").priorityCents()).isEqualByComparingTo("177.5");
        DailySpend key = spend.read(SpendScope.apiKey("apikey_2"), DAY, DAY).get(0);
        assertThat(key.usageByHour().get(13).get("claude-haiku-4-5-20251001").cents()).isEqualByComparingTo("75");
        assertThat(key.workspaceId()).contains("wrkspc_b");
        assertThat(spend.read(SpendScope.workspace("default"), DAY, DAY).get(0).usageByHour().get(13))
                .containsOnlyKeys("claude-opus-4-6");
        assertThat(spend.scopes()).contains(SpendScope.ORG, SpendScope.workspace("wrkspc_b"),
                SpendScope.apiKey("apikey_1"));
    }

    @Test
    void anHourThatLostAKeyOnRestatementZeroesThatKeysRollup() {
        UsagePricer pricer = new UsagePricer(PriceTable.bundled());
        UsageRow first = new UsageRow(HOUR, "wrkspc_a", "apikey_1", "claude-opus-4-6", "standard", "0-200k",
                1000, 0, 0, 0, 1000, 0);
        UsageRow second = new UsageRow(HOUR, "wrkspc_a", "apikey_2", "claude-opus-4-6", "standard", "0-200k",
                2000, 0, 0, 0, 0, 0);
        store.replaceUsageHour(HOUR, List.of(new PricedUsageRow(first, pricer.price(first)),
                new PricedUsageRow(second, pricer.price(second))), RunInfo.manual(ReportKind.USAGE,
                Instant.parse("2026-08-10T14:10:00Z")));

        store.replaceUsageHour(HOUR, List.of(new PricedUsageRow(second, pricer.price(second))),
                RunInfo.manual(ReportKind.USAGE, Instant.parse("2026-08-10T15:10:00Z")));

        assertThat(spend.read(SpendScope.apiKey("apikey_1"), DAY, DAY).get(0).usageByHour().get(13)).isEmpty();
        assertThat(spend.read(SpendScope.ORG, DAY, DAY).get(0).usageByHour().get(13).get("claude-opus-4-6").cents())
                .isEqualByComparingTo("1");
    }

    @Test
    void itemsAreReadableInTheConsole() {
        store.replaceCostDay(new CostDay(DAY, List.of(cost(null, "claude-opus-4-6", "output_tokens", "7512.4"))),
                run("2026-08-11T02:30:00Z"));

        Map<String, AttributeValue> row = rowItems().get(0);
        assertThat(row.get("date").s()).isEqualTo("2026-08-10");
        assertThat(row.get("workspace_id").s()).isEqualTo("default");
        assertThat(row.get("amount_cents").s()).isEqualTo("7512.4");
        assertThat(row.get("amount_usd").s()).isEqualTo("75.124");
        Map<String, AttributeValue> rollup = TableDump.all(dynamo, table).stream()
                .filter(item -> item.get("pk").s().equals("SPEND#org")).findFirst().orElseThrow();
        assertThat(rollup.get("sk").s()).isEqualTo("2026-08-10");
        assertThat(rollup.get("settled_usd").s()).isEqualTo("75.124");
    }

    private BigDecimal settled(SpendScope scope) {
        return spend.read(scope, DAY, DAY).get(0).settledCents().orElseThrow();
    }

    private List<Map<String, AttributeValue>> rowItems() {
        return TableDump.all(dynamo, table).stream().filter(item -> item.get("sk").s().startsWith("ROW#")).toList();
    }
}
