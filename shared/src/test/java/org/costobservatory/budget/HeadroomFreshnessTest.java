package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.DataVersion;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Headroom reuses a period's spend only while the stored data is what it was computed from. Two containers
 * ({@link Components} instances) share one DynamoDB Local table: one answers, the other writes as an ingest run or
 * an engine would. How often the answering container reads the period's rollups shows whether it computed or reused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeadroomFreshnessTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    private static final LocalDate SETTLED = LocalDate.parse("2026-11-22");

    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicInteger rollupReads = new AtomicInteger();
    private DynamoDbLocal local;
    private String table;
    private Components reader;

    @BeforeEach
    void setUp() {
        local = DynamoDbLocal.shared();
        table = local.newTable();
        reader = Components.builder(config()).dynamo(local.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                // The monthly budget's period rollups start on the 1st (a forecast's history read starts elsewhere).
                if (context.request() instanceof QueryRequest query
                        && query.expressionAttributeValues().get(":pk").s().startsWith("SPEND#")
                        && query.expressionAttributeValues().containsKey(":from")
                        && query.expressionAttributeValues().get(":from").s().endsWith("-01")) {
                    rollupReads.incrementAndGet();
                }
            }
        })).clock(clock).withoutAlerts().build();
        Components seeder = writer(Clock.fixed(NOW, ZoneOffset.UTC));
        seeder.budgets().put(new Budget("team", new BigDecimal("1000"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty()));
        seeder.reports().replaceCostDay(costDay(SETTLED, "100"), run());
        seeder.watermarks().advance(ReportKind.COST, Instant.parse("2026-11-01T00:00:00Z"),
                SETTLED.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        seeder.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T10:00:00Z"));
    }

    private Config config() {
        return Config.fromEnv(Map.of("TABLE_NAME", table));
    }

    /** Another container on the same table. */
    private Components writer(Clock writerClock, ExecutionInterceptor... interceptors) {
        return Components.builder(config()).dynamo(local.client(interceptors)).clock(writerClock).withoutAlerts()
                .build();
    }

    private static RunInfo run() {
        return RunInfo.manual(ReportKind.COST, NOW);
    }

    private static CostDay costDay(LocalDate day, String cents) {
        return new CostDay(day, List.of(new CostRow(day, null, "Claude Opus 4.6 output", "tokens",
                "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD", new BigDecimal(cents))));
    }

    /** One usage hour: 100,000 output tokens of Opus 4.6. */
    private static void usageHour(Components components, Instant hour) {
        UsageRow row = new UsageRow(hour, null, "apikey_01Fresh", "claude-opus-4-6", "standard", "0-200k", 0, 0, 0,
                0, 100_000, 0);
        components.reports().replaceUsageHour(hour, List.of(new PricedUsageRow(row, components.pricer().price(row))),
                run());
    }

    private HeadroomAnswer answer() {
        return reader.headroom().answer("team", BigDecimal.ZERO).orElseThrow();
    }

    @Test
    void anAnswerIsComputedOnceAndThenReusedWhileNothingIsWritten() {
        assertThat(answer().spentUsd()).isEqualByComparingTo("1.00");
        assertThat(answer().spentUsd()).isEqualByComparingTo("1.00");
        assertThat(answer().spentUsd()).isEqualByComparingTo("1.00");

        assertThat(rollupReads).hasValue(1);
    }

    @Test
    void aSecondBudgetInTheSameDataVersionReadsTheSameWatermarks() {
        // GIVEN a second budget of another scope: its spend is computed, not reused, with the watermarks kept
        writer(Clock.fixed(NOW, ZoneOffset.UTC)).budgets().put(new Budget("opus", new BigDecimal("500"),
                BudgetPeriod.MONTHLY, ZoneOffset.UTC, new BudgetScope(Optional.empty(), Optional.empty(),
                Optional.of("claude-opus-4-6")), Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT,
                Optional.empty(), Optional.empty(), Optional.empty()));
        HeadroomAnswer team = answer();

        HeadroomAnswer opus = reader.headroom().answer("opus", BigDecimal.ZERO).orElseThrow();

        // THEN it is settled through the same day and its data is as fresh as the first answer's
        assertThat(rollupReads.get()).as("each scope's rollups read once").isEqualTo(2);
        assertThat(opus.settledThrough()).isEqualTo(team.settledThrough()).contains(SETTLED);
        assertThat(opus.dataAsOf()).isEqualTo(team.dataAsOf()).contains(Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(opus.settledUsd()).isEqualByComparingTo("1.00");
        assertThat(opus.stale()).isFalse();
    }

    @Test
    void aWriteByAnotherContainerIsSeenByTheNextAnswer() {
        assertThat(answer().provisionalUsd()).isEqualByComparingTo("0.00");
        Components ingest = writer(Clock.fixed(NOW, ZoneOffset.UTC));

        usageHour(ingest, Instant.parse("2026-11-24T09:00:00Z"));

        assertThat(answer().provisionalUsd()).isPositive();
        ingest.reports().replaceCostDay(costDay(SETTLED, "250"), RunInfo.manual(ReportKind.COST, NOW.plusSeconds(60)));
        assertThat(answer().settledUsd()).isEqualByComparingTo("2.50");
        assertThat(rollupReads).hasValue(3);
    }

    @Test
    void aWatermarkMovedByAnotherContainerIsSeenByTheNextAnswer() {
        assertThat(answer().dataAsOf()).contains(Instant.parse("2026-11-24T10:00:00Z"));

        writer(Clock.fixed(NOW, ZoneOffset.UTC)).watermarks().advance(ReportKind.USAGE,
                Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T11:00:00Z"));

        assertThat(answer().dataAsOf()).contains(Instant.parse("2026-11-24T11:00:00Z"));
    }

    @Test
    void aRepeatedBucketWritesNothingAndKeepsTheSpendReusable() {
        Components ingest = writer(Clock.fixed(NOW, ZoneOffset.UTC));
        usageHour(ingest, Instant.parse("2026-11-24T09:00:00Z"));
        answer();
        int before = rollupReads.get();

        usageHour(ingest, Instant.parse("2026-11-24T09:00:00Z"));   // the same content, pulled again

        answer();
        assertThat(rollupReads.get()).isEqualTo(before);
    }

    @Test
    void anAnswerWhileAWriteIsInFlightIsComputedFreshAndNotKept() throws Exception {
        answer();
        CountDownLatch rollupWritten = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        AtomicBoolean paused = new AtomicBoolean();
        Components ingest = writer(Clock.fixed(NOW, ZoneOffset.UTC), new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (isRollupUpdate(context.request()) && paused.compareAndSet(false, true)) {
                    rollupWritten.countDown();
                    await(mayFinish);
                }
            }
        });
        CompletableFuture<Void> writing = CompletableFuture.runAsync(
                () -> usageHour(ingest, Instant.parse("2026-11-24T09:00:00Z")));
        assertThat(rollupWritten.await(20, TimeUnit.SECONDS)).isTrue();
        int before = rollupReads.get();

        assertThat(answer().provisionalUsd()).as("the store as it is, half written").isPositive();
        assertThat(answer().provisionalUsd()).isPositive();
        assertThat(rollupReads.get() - before).as("computed fresh each time, kept for no one").isEqualTo(2);

        mayFinish.countDown();
        writing.get(20, TimeUnit.SECONDS);
        answer();
        answer();
        assertThat(rollupReads.get() - before).as("reused again once the write has finished").isEqualTo(3);
    }

    @Test
    void aWriterThatDiedMidWriteStopsCountingAfterTheLongestAWriteCanRun() {
        answer();
        Components dying = writer(Clock.fixed(NOW, ZoneOffset.UTC), new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                // The process is gone before it can say it finished: the closing update never arrives.
                if (context.request() instanceof UpdateItemRequest update
                        && "VERSION".equals(update.key().get("pk").s())
                        && update.updateExpression().contains("DELETE")) {
                    throw new IllegalStateException("the writer died");
                }
            }
        });
        assertThatThrownBy(() -> usageHour(dying, Instant.parse("2026-11-24T09:00:00Z")))
                .hasStackTraceContaining("the writer died");
        int before = rollupReads.get();

        clock.advance(DataVersion.LONGEST_WRITE.minusSeconds(1));
        answer();
        answer();
        assertThat(rollupReads.get() - before).as("still possibly in flight: fresh every time").isEqualTo(2);

        clock.advance(Duration.ofSeconds(2));
        assertThat(answer().provisionalUsd()).isPositive();
        answer();
        assertThat(rollupReads.get() - before).as("past the bound: computed once, then reused").isEqualTo(3);
    }

    @Test
    void theNextPeriodIsComputedAtTheRolloverWithoutAnyWrite() {
        assertThat(answer().spentUsd()).isEqualByComparingTo("1.00");
        clock.set(Instant.parse("2026-11-30T23:59:59Z"));
        assertThat(answer().period().startInstant()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));

        clock.set(Instant.parse("2026-12-01T00:00:00Z"));

        HeadroomAnswer december = answer();
        assertThat(december.period().startInstant()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(december.spentUsd()).isEqualByComparingTo("0.00");
    }

    @Test
    void holdsPlacedByAnotherContainerCountOnTheVeryNextAnswer() {
        assertThat(answer().heldUsd()).isEqualByComparingTo("0.00");
        Components engine = writer(Clock.fixed(NOW, ZoneOffset.UTC));

        ApiResponse placed = engine.router(false).handle(new ApiRequest("POST", "/v1/holds", "", Map.of(),
                "{\"budget\": \"team\", \"estimate_usd\": 12.5, \"run_id\": \"fresh-1\"}"
                        .getBytes(StandardCharsets.UTF_8), Optional.empty()));

        assertThat(placed.status()).as(placed.bodyText()).isEqualTo(201);
        assertThat(answer().heldUsd()).isEqualByComparingTo("12.50");
        assertThat(rollupReads).as("holds are read fresh; the spend is still reused").hasValue(1);
    }

    /** The organisation's rollup: the one a budget of the whole organisation reads. */
    private static boolean isRollupUpdate(SdkRequest request) {
        return request instanceof UpdateItemRequest update && "SPEND#org".equals(update.key().get("pk").s());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
