package org.costobservatory.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
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
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.TableDump;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Two generations of the same day (or hour) race, and the older one finishes last: it passed the read check before
 * the newer run started, and its write arrives after the newer run has completed. Each test holds the older run at
 * one write (the header flip, or a rollup update), runs the newer replacement to completion there, then lets the
 * older write go. Whatever the older run does then, what is stored is the newer run's, item for item: rows, header,
 * rollups, and no row of the older generation. The figures are written out.
 */
class GenerationRaceTest {
    private static final LocalDate DAY = LocalDate.parse("2026-08-10");
    private static final Instant HOUR = Instant.parse("2026-08-10T13:00:00Z");
    private static final RunInfo OLDER_COST = RunInfo.scheduled(ReportKind.COST, Instant.parse("2026-08-11T02:30:00Z"),
            Instant.parse("2026-08-11T02:30:00Z"));
    private static final RunInfo NEWER_COST = RunInfo.scheduled(ReportKind.COST, Instant.parse("2026-08-12T02:30:00Z"),
            Instant.parse("2026-08-12T02:30:00Z"));
    private static final RunInfo OLDER_USAGE = RunInfo.scheduled(ReportKind.USAGE,
            Instant.parse("2026-08-10T14:10:00Z"), Instant.parse("2026-08-10T14:10:00Z"));
    private static final RunInfo NEWER_USAGE = RunInfo.scheduled(ReportKind.USAGE,
            Instant.parse("2026-08-10T15:10:00Z"), Instant.parse("2026-08-10T15:10:00Z"));
    private static final UsagePricer PRICER = new UsagePricer(PriceTable.bundled());

    private final DynamoDbLocal local = DynamoDbLocal.shared();
    private DynamoDbClient dynamo;
    private String table;

    @BeforeEach
    void setUp() {
        dynamo = local.client();
        table = local.newTable();
    }

    /** The older run's figures: 999 cents for workspace a, 1 cent for workspace b. */
    private static CostDay olderDay() {
        return new CostDay(DAY, List.of(cost("wrkspc_a", "999"), cost("wrkspc_b", "1")));
    }

    /** The newer run's figures: 1200 cents for workspace a only. */
    private static CostDay newerDay() {
        return new CostDay(DAY, List.of(cost("wrkspc_a", "1200")));
    }

    private static CostRow cost(String workspace, String cents) {
        return new CostRow(DAY, workspace, "Claude Opus output", "tokens", "claude-opus-4-6", "standard",
                "output_tokens", "0-200k", "global", "USD", new BigDecimal(cents));
    }

    /** {@code outputTokens} of claude-opus-4-6 at $25 per million: 40,000 tokens are 100 cents. */
    private static List<PricedUsageRow> hour(String apiKey, long outputTokens) {
        UsageRow row = new UsageRow(HOUR, "wrkspc_a", apiKey, "claude-opus-4-6", "standard", "0-200k", 0, 0, 0, 0,
                outputTokens, 0);
        return List.of(new PricedUsageRow(row, PRICER.price(row)));
    }

    /**
     * A store whose client runs {@code newerRun} just before the first request matching {@code holdAt} is sent, so
     * that request is the older run's last word.
     */
    private DynamoDbReportStore olderRunStore(Predicate<SdkRequest> holdAt, Runnable newerRun) {
        AtomicBoolean held = new AtomicBoolean();
        return new DynamoDbReportStore(local.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (holdAt.test(context.request()) && held.compareAndSet(false, true)) {
                    newerRun.run();
                }
            }
        }), table);
    }

    private static Predicate<SdkRequest> headerWrite(String sk) {
        return request -> request instanceof PutItemRequest put && sk.equals(put.item().get("sk").s());
    }

    private static Predicate<SdkRequest> orgRollupUpdate() {
        return request -> request instanceof UpdateItemRequest update
                && "SPEND#org".equals(update.key().get("pk").s());
    }

    private DailySpend rollup(SpendScope scope) {
        return new DynamoDbSpendStore(dynamo, table).read(scope, DAY, DAY).get(0);
    }

    private List<String> rowGenerations(String pk) {
        return TableDump.all(dynamo, table).stream()
                .filter(item -> item.get("pk").s().equals(pk) && item.get("sk").s().startsWith("ROW#"))
                .map(item -> Keys.generationOfRow(item.get("sk").s())).toList();
    }

    private Map<String, AttributeValue> header(String pk, String sk) {
        return Dynamo.get(dynamo, table, pk, sk);
    }

    private void assertTheNewerDayIsStored() {
        DynamoDbReportStore reader = new DynamoDbReportStore(dynamo, table);
        assertThat(reader.costDay(DAY).orElseThrow().rows()).containsExactly(cost("wrkspc_a", "1200"));
        assertThat(reader.costDay(DAY).orElseThrow().totalCents()).isEqualByComparingTo("1200");
        assertThat(header(Keys.costDay(DAY), Keys.COST_HEADER).get("generation").s())
                .isEqualTo(NEWER_COST.generation());
        assertThat(rowGenerations(Keys.costDay(DAY))).containsExactly(NEWER_COST.generation());
        assertThat(rollup(SpendScope.ORG).settledCents()).hasValueSatisfying(c -> assertThat(c)
                .isEqualByComparingTo("1200"));
        assertThat(rollup(SpendScope.workspace("wrkspc_a")).settledCents()).hasValueSatisfying(c -> assertThat(c)
                .isEqualByComparingTo("1200"));
    }

    @Test
    void anOlderDayWhoseHeaderFlipArrivesLastChangesNothing() {
        // GIVEN the older run held at its header flip while the newer run stores the day completely
        DynamoDbReportStore newer = new DynamoDbReportStore(dynamo, table);
        DynamoDbReportStore older = olderRunStore(headerWrite(Keys.COST_HEADER),
                () -> assertThat(newer.replaceCostDay(newerDay(), NEWER_COST)).isTrue());

        // WHEN the older run's flip goes ahead
        boolean olderCurrent = older.replaceCostDay(olderDay(), OLDER_COST);

        // THEN the older run knows it lost, and the newer day is stored exactly, rows, header and rollups
        assertThat(olderCurrent).isFalse();
        assertTheNewerDayIsStored();
    }

    @Test
    void anOlderDayWhoseRowsArriveAfterTheNewerRunCleansThemUp() {
        // GIVEN the older run held before it writes its rows, while the newer run stores the day completely
        DynamoDbReportStore newer = new DynamoDbReportStore(dynamo, table);
        DynamoDbReportStore older = olderRunStore(request -> request instanceof BatchWriteItemRequest,
                () -> assertThat(newer.replaceCostDay(newerDay(), NEWER_COST)).isTrue());

        // WHEN the older run writes its rows and then fails to flip the header
        boolean olderCurrent = older.replaceCostDay(olderDay(), OLDER_COST);

        // THEN it deleted the rows it wrote: only the newer generation's row is left in the table
        assertThat(olderCurrent).isFalse();
        assertTheNewerDayIsStored();
    }

    @Test
    void anOlderDayWhoseRollupUpdateArrivesLastChangesNoRollup() {
        // GIVEN the older run flipped first, and is held at its organisation rollup update while the newer run
        // stores the day completely
        DynamoDbReportStore newer = new DynamoDbReportStore(dynamo, table);
        DynamoDbReportStore older = olderRunStore(orgRollupUpdate(),
                () -> assertThat(newer.replaceCostDay(newerDay(), NEWER_COST)).isTrue());

        // WHEN the older run's rollup updates go ahead
        older.replaceCostDay(olderDay(), OLDER_COST);

        // THEN the rollups hold the newer figures (1200 for the organisation and workspace a, 0 for b)
        assertTheNewerDayIsStored();
        assertThat(rollup(SpendScope.workspace("wrkspc_b")).settledCents()).hasValueSatisfying(c -> assertThat(c)
                .isEqualByComparingTo("0"));
    }

    private void assertTheNewerHourIsStored() {
        DynamoDbReportStore reader = new DynamoDbReportStore(dynamo, table);
        assertThat(reader.usageHour(HOUR).orElseThrow().rows()).extracting(row -> row.row().apiKeyId())
                .containsExactly("apikey_new");
        assertThat(reader.usageHour(HOUR).orElseThrow().totalCents()).isEqualByComparingTo("100");
        assertThat(header(Keys.usageHour(HOUR), Keys.USAGE_HEADER).get("generation").s())
                .isEqualTo(NEWER_USAGE.generation());
        assertThat(rowGenerations(Keys.usageHour(HOUR))).containsExactly(NEWER_USAGE.generation());
        assertThat(rollup(SpendScope.ORG).usageByHour().get(13).get("claude-opus-4-6").cents())
                .isEqualByComparingTo("100");
        assertThat(rollup(SpendScope.apiKey("apikey_new")).usageByHour().get(13).get("claude-opus-4-6").cents())
                .isEqualByComparingTo("100");
    }

    @Test
    void anOlderHourWhoseHeaderFlipArrivesLastChangesNothing() {
        // GIVEN the older run (20,000 tokens of key old: 50 cents) held at its header flip while the newer run
        // (40,000 tokens of key new: 100 cents) stores the hour completely
        DynamoDbReportStore newer = new DynamoDbReportStore(dynamo, table);
        DynamoDbReportStore older = olderRunStore(headerWrite(Keys.USAGE_HEADER),
                () -> assertThat(newer.replaceUsageHour(HOUR, hour("apikey_new", 40_000), NEWER_USAGE)).isTrue());

        // WHEN the older run's flip goes ahead
        boolean olderCurrent = older.replaceUsageHour(HOUR, hour("apikey_old", 20_000), OLDER_USAGE);

        // THEN the newer hour is stored exactly
        assertThat(olderCurrent).isFalse();
        assertTheNewerHourIsStored();
    }

    @Test
    void anOlderHourWhoseRollupUpdateArrivesLastChangesNoRollup() {
        DynamoDbReportStore newer = new DynamoDbReportStore(dynamo, table);
        DynamoDbReportStore older = olderRunStore(orgRollupUpdate(),
                () -> assertThat(newer.replaceUsageHour(HOUR, hour("apikey_new", 40_000), NEWER_USAGE)).isTrue());

        older.replaceUsageHour(HOUR, hour("apikey_old", 20_000), OLDER_USAGE);

        assertTheNewerHourIsStored();
        assertThat(rollup(SpendScope.apiKey("apikey_old")).usageByHour().get(13)).isEmpty();
    }

    @Test
    void aReplacedHoursOlderRowsAreDeletedFromTheTable() {
        // GIVEN an hour stored with two keys' rows, then restated by a newer run with one key
        DynamoDbReportStore store = new DynamoDbReportStore(dynamo, table);
        store.replaceUsageHour(HOUR, List.of(hour("apikey_old", 20_000).get(0), hour("apikey_gone", 4_000).get(0)),
                OLDER_USAGE);
        assertThat(rowGenerations(Keys.usageHour(HOUR))).hasSize(2);

        store.replaceUsageHour(HOUR, hour("apikey_new", 40_000), NEWER_USAGE);

        // THEN the table itself (not the header's view of it) holds exactly the newer row
        List<Map<String, AttributeValue>> rows = TableDump.all(dynamo, table).stream()
                .filter(item -> item.get("pk").s().equals(Keys.usageHour(HOUR)) && item.get("sk").s()
                        .startsWith("ROW#")).toList();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("sk").s()).startsWith("ROW#" + NEWER_USAGE.generation() + "#");
        assertThat(rows.get(0).get("api_key_id").s()).isEqualTo("apikey_new");
    }
}
