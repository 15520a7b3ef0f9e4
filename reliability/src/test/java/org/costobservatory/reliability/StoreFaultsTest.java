package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.store.StoreUnavailableException;
import org.costobservatory.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Case 16: DynamoDB faults the emulator never produces, injected at the SDK, and the store going away mid-run.
 * Rules: N1 after the recovery run, N2 throughout, N5 (every failure is visible).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StoreFaultsTest {
    private static final List<CostDay> DAYS = Fixture.costDays("2026-08-05", "2026-08-13", "40");
    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    /** Runs a clean system over the same report and compares every fact and rollup item with {@code resumed}. */
    private static void assertMatchesCleanRun(Fixture resumed) {
        Fixture oracle = resumed.oracle();
        oracle.setCostWatermark("2026-08-05T00:00:00Z");
        oracle.cost.run(Fixture.DAILY, api.deadline());
        assertThat(resumed.facts()).isEqualTo(oracle.facts());
        assertThat(resumed.storedCostCents("2026-08-05", "2026-08-13")).isEqualByComparingTo(
                DAYS.stream().map(CostDay::totalCents).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    @Test
    void case16_throttlingBeyondTheSdksRetriesFailsTheRunAndTheNextRunHeals() {
        DynamoFaults throttle = new DynamoFaults(DynamoFaults.headerPut("DAY"), DynamoFaults.Fault.THROTTLE, 100);
        Fixture system = Fixture.on(api, DynamoDbLocal.shared(), DynamoDbLocal.shared().newTable(), throttle);
        system.setCostWatermark("2026-08-05T00:00:00Z");
        system.serveCost(DAYS, 3);

        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline()))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("throttling");
        assertThat(throttle.injected.get()).as("the SDK retried before giving up").isGreaterThan(1);
        assertThat(system.costWatermark()).isEqualTo(Fixture.midnight("2026-08-05"));
        assertThat(system.components.reports().costDay(LocalDate.parse("2026-08-05"))).isEmpty();

        throttle.setRemaining(0);
        system.cost.run(Fixture.DAILY, api.deadline());
        assertMatchesCleanRun(system);
    }

    @Test
    void case16_unprocessedItemsAreResentUntilWritten() {
        DynamoFaults unprocessed = new DynamoFaults(DynamoFaults.batchWrite(), DynamoFaults.Fault.UNPROCESSED, 3);
        Fixture system = Fixture.on(api, DynamoDbLocal.shared(), DynamoDbLocal.shared().newTable(), unprocessed);
        system.setCostWatermark("2026-08-05T00:00:00Z");
        system.serveCost(DAYS, 3);

        system.cost.run(Fixture.DAILY, api.deadline());

        assertThat(unprocessed.injected.get()).isEqualTo(3);
        assertMatchesCleanRun(system);
    }

    @Test
    void case16_aFailingWatermarkUpdateLeavesTheWatermarkBehindTheStoredFacts() {
        DynamoFaults failing = new DynamoFaults(DynamoFaults.watermarkUpdate(), DynamoFaults.Fault.SERVER_ERROR, 100);
        Fixture system = Fixture.on(api, DynamoDbLocal.shared(), DynamoDbLocal.shared().newTable());
        system.setCostWatermark("2026-08-05T00:00:00Z");
        Fixture faulty = Fixture.on(api, system.local, system.table, failing);
        faulty.serveCost(DAYS, 3);

        assertThatThrownBy(() -> faulty.cost.run(Fixture.DAILY, api.deadline()))
                .isInstanceOf(StoreUnavailableException.class);
        // page 1's days are stored, but the watermark never moved: the next run re-pulls them (N2)
        assertThat(system.components.reports().costDay(LocalDate.parse("2026-08-05"))).isPresent();
        assertThat(system.costWatermark()).isEqualTo(Fixture.midnight("2026-08-05"));

        system.cost.run(Fixture.DAILY, api.deadline());
        assertMatchesCleanRun(system);
    }

    @Test
    void case16_aConflictingClaimTransactionSendsNothingAndTheNextEvaluationSends() {
        AtomicInteger conflicts = new AtomicInteger(1);
        ExecutionInterceptor conflict = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof TransactWriteItemsRequest && conflicts.getAndDecrement() > 0) {
                    throw TransactionCanceledException.builder().statusCode(400)
                            .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                    .errorCode("TransactionCanceledException").serviceName("DynamoDb")
                                    .errorMessage("injected: TransactionConflict").build())
                            .cancellationReasons(software.amazon.awssdk.services.dynamodb.model.CancellationReason
                                    .builder().code("TransactionConflict").build())
                            .message("injected: TransactionConflict").build();
                }
            }
        };
        Fixture system = Fixture.on(api, DynamoDbLocal.shared(), DynamoDbLocal.shared().newTable(), conflict);
        system.components.budgets().put(new Budget("team", new BigDecimal("100"), BudgetPeriod.MONTHLY,
                java.time.ZoneOffset.UTC, BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS,
                Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(), Optional.empty()));
        system.setCostWatermark("2026-08-05T00:00:00Z");
        system.serveCost(DAYS, 9);
        system.cost.run(Fixture.DAILY, api.deadline());
        assertThat(system.published).isEmpty();

        system.components.budgetAlerts().run();
        assertThat(system.published).hasSize(1);
    }

    @Test
    void case16_theStoreGoingAwayMidRunFailsVisiblyAndNothingIsLostAfterItReturns(@TempDir Path directory) {
        DynamoDbLocal store = DynamoDbLocal.persistentInstance(directory);
        try {
            String table = store.newTable();
            AtomicInteger batches = new AtomicInteger();
            ExecutionInterceptor stopAfterPageOne = new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                    // page 1 holds 3 days of 4 rows: its batches are the first three; stop before page 2's first
                    if (context.request() instanceof BatchWriteItemRequest && batches.incrementAndGet() == 4) {
                        store.stop();
                    }
                }
            };
            Fixture system = Fixture.on(api, store, table, stopAfterPageOne);
            system.setCostWatermark("2026-08-05T00:00:00Z");
            system.serveCost(DAYS, 3);

            assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline()))
                    .isInstanceOf(StoreUnavailableException.class);

            store.start();
            Fixture recovered = Fixture.on(api, store, table);
            assertThat(recovered.costWatermark()).isEqualTo(Fixture.midnight("2026-08-08"));
            recovered.cost.run(Fixture.DAILY, api.deadline());
            assertMatchesCleanRun(recovered);
        } finally {
            store.close();
        }
    }
}
