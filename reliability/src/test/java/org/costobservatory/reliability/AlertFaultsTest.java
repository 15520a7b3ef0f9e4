package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.alert.AlertMessage;
import org.costobservatory.alert.AlertPublisher;
import org.costobservatory.alert.ThresholdAlerts;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.RetryPolicy;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.MotoServer;
import org.costobservatory.wiring.SnsAlertPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cases 12 to 15: each (budget, period, threshold) is published at most once, observed as real SNS messages
 * (moto_server SNS → SQS). Rule N4: every crossing ends SENT with at least one publish, and never more than one per
 * threshold except the documented crash between publish and mark (then at most one extra, same dedupe id).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AlertFaultsTest {
    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();
    private AlertInbox inbox;
    private SnsAlertPublisher sns;

    @BeforeEach
    void setUp() {
        inbox = new AlertInbox(MotoServer.shared());
        sns = inbox.publisher();
    }

    @AfterEach
    void tearDown() {
        inbox.close();
    }

    private Fixture system(AlertPublisher publisher) {
        return new Fixture(api, new StaticAdminKey(Fixture.KEY), publisher, RetryPolicy.DEFAULT.withRequestTimeout(
                FakeAdminApi.TEST_REQUEST_TIMEOUT), DynamoDbLocal.shared().newTable());
    }

    private static Budget monthly(String name, String limit) {
        return new Budget(name, new BigDecimal(limit), BudgetPeriod.MONTHLY, ZoneOffset.UTC, BudgetScope.ORGANISATION,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** Stores one settled August day worth {@code cents} and marks August settled through the 13th. */
    private static void settle(Fixture system, String date, String cents) {
        LocalDate day = LocalDate.parse(date);
        system.components.reports().replaceCostDay(new CostDay(day, List.of(Fixture.cost(day, null, "tokens",
                "claude-opus-4-6", "standard", "output_tokens", new BigDecimal(cents)))),
                org.costobservatory.store.RunInfo.manual(ReportKind.COST, system.api.clock().instant()));
        system.components.watermarks().advance(ReportKind.COST, Fixture.midnight("2026-08-01"),
                Fixture.midnight("2026-08-14"));
        system.components.watermarks().advance(ReportKind.USAGE, Fixture.midnight("2026-08-01"),
                Instant.parse("2026-08-14T02:00:00Z"));
    }

    private static List<AlertRecord> records(Fixture system, String budget) {
        return system.components.alerts().list(Optional.of(budget));
    }

    @Test
    void case12_eightEvaluatorsOfTheSameCrossingPublishExactlyOnce() throws Exception {
        Fixture system = system(sns);
        system.components.budgets().put(monthly("team", "100"));
        settle(system, "2026-08-10", "7600");
        HeadroomAnswer answer = system.components.headroom().answer(system.components.budgets().get("team").orElseThrow(),
                BigDecimal.ZERO);
        ThresholdAlerts alerts = system.components.thresholdAlerts();

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sent.add(pool.submit(() -> {
                start.await();
                return alerts.evaluate(answer);
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> result : sent) {
            total += result.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(total).isEqualTo(1);
        List<JsonNode> messages = inbox.drain();
        assertThat(messages).hasSize(1);
        assertThat(AlertInbox.attribute(messages.get(0), "threshold")).isEqualTo("75");
        assertThat(records(system, "team")).hasSize(2).allSatisfy(r -> assertThat(r.state()).isEqualTo("sent"));
    }

    @Test
    void case13a_aCrashBeforePublishingIsPublishedOnceAfterTheLease() {
        AtomicInteger calls = new AtomicInteger();
        Fixture system = system(message -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("process died before publishing");
            }
            return sns.publish(message);
        });
        system.components.budgets().put(monthly("team", "100"));
        settle(system, "2026-08-10", "8000");
        ThresholdAlerts alerts = system.components.thresholdAlerts();
        HeadroomAnswer answer = system.components.headroom().answer(system.components.budgets().get("team").orElseThrow(),
                BigDecimal.ZERO);

        assertThatThrownBy(() -> alerts.evaluate(answer)).hasMessageContaining("died");
        assertThat(records(system, "team")).allSatisfy(r -> assertThat(r.state()).isEqualTo("claimed"));
        assertThat(alerts.evaluate(answer)).isZero();   // the lease still holds

        api.clock().advance(Duration.ofMinutes(6));
        assertThat(alerts.evaluate(answer)).isEqualTo(1);
        assertThat(alerts.evaluate(answer)).isZero();
        assertThat(inbox.drain()).hasSize(1);
        assertThat(records(system, "team")).allSatisfy(r -> assertThat(r.state()).isEqualTo("sent"));
    }

    @Test
    void case13b_aCrashBetweenPublishAndMarkSendsAtMostOneExtraWithTheSameDedupeId() {
        AtomicInteger calls = new AtomicInteger();
        Fixture system = system(message -> {
            String id = sns.publish(message);
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("process died after publishing, before marking");
            }
            return id;
        });
        system.components.budgets().put(monthly("team", "100"));
        settle(system, "2026-08-10", "8000");
        ThresholdAlerts alerts = system.components.thresholdAlerts();
        HeadroomAnswer answer = system.components.headroom().answer(system.components.budgets().get("team").orElseThrow(),
                BigDecimal.ZERO);

        assertThatThrownBy(() -> alerts.evaluate(answer)).hasMessageContaining("died");
        api.clock().advance(Duration.ofMinutes(6));
        alerts.evaluate(answer);
        alerts.evaluate(answer);
        api.clock().advance(Duration.ofMinutes(6));
        alerts.evaluate(answer);

        List<JsonNode> messages = inbox.drain();
        // the message published before the crash, and the one sent by the evaluation that took the claim over
        assertThat(messages).hasSize(2);
        assertThat(messages).extracting(m -> AlertInbox.attribute(m, "dedupe_id")).containsOnly(
                "team/2026-08-01T00:00:00Z/75");
        assertThat(records(system, "team")).allSatisfy(r -> assertThat(r.state()).isEqualTo("sent"));
    }

    @Test
    void case14_aFailedPublishFailsTheRunVisiblyAndIsSentAfterTheLease() {
        AtomicInteger failures = new AtomicInteger(1);
        Fixture system = system(message -> {
            if (failures.get() > 0) {
                failures.decrementAndGet();
                throw new IllegalStateException("injected: SNS Publish answered HTTP 400 Throttling: throttled");
            }
            return sns.publish(message);
        });
        system.components.budgets().put(monthly("team", "100"));
        // 50 and 75 were sent earlier this month
        failures.set(0);
        settle(system, "2026-08-10", "8000");
        system.components.budgetAlerts().run();
        // the 75 % alert, and the forecast warning ($80 by the 14th runs past $100 this month)
        assertThat(inbox.drain()).extracting(m -> String.valueOf(AlertInbox.attribute(m, "kind")))
                .containsExactlyInAnyOrder("null", "forecast");

        // the daily run stores a day that takes spend past 100 %, and SNS refuses the publish once
        failures.set(1);
        system.serveCost(List.of(new CostDay(LocalDate.parse("2026-08-13"), List.of(Fixture.cost(
                LocalDate.parse("2026-08-13"), null, "tokens", "claude-opus-4-6", "standard", "output_tokens",
                new BigDecimal("3000"))))), 5);
        system.setCostWatermark("2026-08-13T00:00:00Z");
        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline())).hasMessageContaining("throttled");
        assertThat(system.components.reports().costDay(LocalDate.parse("2026-08-13"))).isPresent();
        assertThat(records(system, "team")).filteredOn(r -> r.thresholdPercent().intValue() == 100)
                .allSatisfy(r -> assertThat(r.state()).isEqualTo("claimed"));

        // the retry after the lease sends 100 once; 50 and 75 are not sent again
        api.clock().advance(Duration.ofMinutes(6));
        system.components.budgetAlerts().run();
        system.components.budgetAlerts().run();
        List<JsonNode> messages = inbox.drain();
        assertThat(messages).hasSize(1);
        assertThat(AlertInbox.attribute(messages.get(0), "threshold")).isEqualTo("100");
        assertThat(records(system, "team")).hasSize(3).allSatisfy(r -> assertThat(r.state()).isEqualTo("sent"));
    }

    @Test
    void case15_thresholdsFireOnceAcrossRestatementsAndReArmInTheNextPeriod() {
        List<AlertMessage> sent = new ArrayList<>();
        Fixture system = system(message -> {
            sent.add(message);
            return sns.publish(message);
        });
        system.components.budgets().put(monthly("team", "100"));

        // 40 %: nothing
        settle(system, "2026-08-10", "4000");
        assertThat(system.components.budgetAlerts().run()).isZero();
        // 40 % -> 110 % in one ingest: 50, 75 and 100 recorded, one message naming 100
        settle(system, "2026-08-11", "7000");
        assertThat(system.components.budgetAlerts().run()).isEqualTo(1);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).threshold()).isEqualByComparingTo("100");
        assertThat(sent.get(0).allThresholds()).extracting(BigDecimal::intValue).containsExactly(50, 75, 100);
        // restated down to 90 %, then back up to 105 %: no re-alert within the period
        settle(system, "2026-08-11", "5000");
        assertThat(system.components.budgetAlerts().run()).isZero();
        settle(system, "2026-08-11", "6500");
        assertThat(system.components.budgetAlerts().run()).isZero();
        // one second before and at the UTC month rollover
        api.clock().set(Instant.parse("2026-08-31T23:59:59Z"));
        assertThat(system.components.budgetAlerts().run()).isZero();
        api.clock().set(Instant.parse("2026-09-01T00:00:00Z"));
        // nothing spent in September yet, so no threshold; the budget alerted in August, so it says it reset, once
        assertThat(system.components.budgetAlerts().run()).isEqualTo(1);
        assertThat(sent.get(1).kind()).isEqualTo("reset");
        assertThat(sent.get(1).subject()).isEqualTo("[Cost Observatory] team reset: $0.00 of $100.00 for September 2026");
        assertThat(system.components.budgetAlerts().run()).isZero();
        system.components.reports().replaceUsageHour(Instant.parse("2026-09-01T00:00:00Z"), List.of(
                new org.costobservatory.pricing.PricedUsageRow(new org.costobservatory.domain.UsageRow(
                        Instant.parse("2026-09-01T00:00:00Z"), null, "apikey_1", "claude-opus-4-6", "standard", "0-200k",
                        0, 0, 0, 0, 2_400_000, 0), new org.costobservatory.pricing.PricedUsage(new BigDecimal("6000"),
                        "claude-opus-4-6", false))), org.costobservatory.store.RunInfo.manual(ReportKind.USAGE,
                api.clock().instant()));
        system.components.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-08-14T02:00:00Z"),
                Instant.parse("2026-09-01T01:00:00Z"));
        api.clock().set(Instant.parse("2026-09-01T01:10:00Z"));
        assertThat(system.components.budgetAlerts().run()).isEqualTo(1);
        assertThat(sent.get(2).threshold()).isEqualByComparingTo("50");
        assertThat(sent.get(2).dedupeId()).isEqualTo("team/2026-09-01T00:00:00Z/50");
        assertThat(inbox.drain()).hasSize(3);
    }
}
