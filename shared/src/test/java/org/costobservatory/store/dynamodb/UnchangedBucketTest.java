package org.costobservatory.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.PricedUsage;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** A re-pulled day or hour whose content did not change writes nothing: one header read, no writes. */
class UnchangedBucketTest {
    private static final LocalDate DAY = LocalDate.parse("2026-11-20");
    private static final Instant HOUR = Instant.parse("2026-11-20T13:00:00Z");

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private DynamoDbReportStore store;
    private DynamoDbSpendStore spend;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        String table = local.newTable();
        store = new DynamoDbReportStore(local.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                String operation = context.request().getClass().getSimpleName().replace("Request", "");
                calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            }
        }), table);
        spend = new DynamoDbSpendStore(local.client(), table);
    }

    private static RunInfo run(ReportKind report, String scheduled) {
        return RunInfo.scheduled(report, Instant.parse(scheduled), Instant.parse(scheduled));
    }

    private static CostDay day(String opusCents) {
        return new CostDay(DAY, List.of(
                new CostRow(DAY, null, "Opus output", "tokens", "claude-opus-4-6", "standard", "output_tokens",
                        "0-200k", "global", "USD", new BigDecimal(opusCents)),
                new CostRow(DAY, "wrkspc_a", "Web Search Usage", "web_search", null, null, null, null, null, "USD",
                        new BigDecimal("3"))));
    }

    private static List<PricedUsageRow> hour(long output, String cents) {
        return List.of(new PricedUsageRow(new UsageRow(HOUR, "wrkspc_a", "apikey_1", "claude-opus-4-6", "standard",
                "0-200k", 100, 200, 0, 0, output, 0), new PricedUsage(new BigDecimal(cents), "claude-opus-4-6", false)));
    }

    private int writes() {
        return calls.entrySet().stream().filter(e -> !e.getKey().equals("GetItem") && !e.getKey().equals("Query"))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    @Test
    void anUnchangedCostDayCostsOneReadAndNoWrite() {
        assertThat(store.replaceCostDay(day("1000.5"), run(ReportKind.COST, "2026-11-21T02:30:00Z"))).isTrue();
        calls.clear();

        assertThat(store.replaceCostDay(day("1000.50"), run(ReportKind.COST, "2026-11-22T02:30:00Z"))).isTrue();

        assertThat(writes()).as("writes for an unchanged day: %s", calls).isZero();
        assertThat(calls.get("GetItem").get()).isEqualTo(1);
        assertThat(calls).containsOnlyKeys("GetItem");
    }

    @Test
    void aChangedAmountIsWrittenAndReachesTheRollup() {
        store.replaceCostDay(day("1000.5"), run(ReportKind.COST, "2026-11-21T02:30:00Z"));
        calls.clear();

        store.replaceCostDay(day("1000.6"), run(ReportKind.COST, "2026-11-22T02:30:00Z"));

        assertThat(writes()).isPositive();
        assertThat(store.costDay(DAY).orElseThrow().totalCents()).isEqualByComparingTo("1003.6");
        assertThat(spend.read(SpendScope.ORG, DAY, DAY).get(0).settledCents()).contains(new BigDecimal("1003.6"));
    }

    @Test
    void anUnchangedHourCostsOneReadAndNoWrite_butANewTokenCountOrPriceIsWritten() {
        store.replaceUsageHour(HOUR, hour(800, "2.5"), run(ReportKind.USAGE, "2026-11-20T14:10:00Z"));
        calls.clear();

        store.replaceUsageHour(HOUR, hour(800, "2.5"), run(ReportKind.USAGE, "2026-11-20T15:10:00Z"));
        assertThat(writes()).isZero();
        assertThat(calls).containsOnlyKeys("GetItem");

        store.replaceUsageHour(HOUR, hour(801, "2.5"), run(ReportKind.USAGE, "2026-11-20T16:10:00Z"));
        assertThat(writes()).as("a new token count is written").isPositive();
        calls.clear();

        store.replaceUsageHour(HOUR, hour(801, "2.4"), run(ReportKind.USAGE, "2026-11-20T17:10:00Z"));
        assertThat(writes()).as("a new price is written").isPositive();
        assertThat(spend.read(SpendScope.ORG, DAY, DAY).get(0).usageByHour().get(13).get("claude-opus-4-6").cents())
                .isEqualByComparingTo("2.4");
        assertThat(store.usageHour(HOUR).orElseThrow().rows().get(0).row().outputTokens()).isEqualTo(801);
    }
}
