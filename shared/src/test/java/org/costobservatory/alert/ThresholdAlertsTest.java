package org.costobservatory.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.Spend;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.dynamodb.DynamoDbAlertStore;
import org.costobservatory.testing.DynamoDbLocal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Threshold alerts on DynamoDB Local with a recording publisher and a clock that only moves when told: once per
 * (budget, period, threshold), one message naming the highest, a dead publisher's claim taken over only after its
 * lease, a new period re-armed. Subjects and attributes are written out.
 */
class ThresholdAlertsTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    private static final Duration LEASE = Duration.ofSeconds(300);
    private static final Budget TEAM = new Budget("team", new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
            BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
            Optional.empty(), Optional.empty());

    private final MutableClock clock = new MutableClock(NOW);
    private final List<AlertMessage> published = new CopyOnWriteArrayList<>();
    private DynamoDbAlertStore store;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        store = new DynamoDbAlertStore(local.client(), local.newTable());
    }

    private ThresholdAlerts alerts(AlertPublisher publisher) {
        return new ThresholdAlerts(store, publisher, clock, LEASE);
    }

    private ThresholdAlerts recording() {
        return alerts(message -> {
            published.add(message);
            return "msg-" + published.size();
        });
    }

    /** {@code spentCents} of the $100 monthly budget, all settled, at the clock's time. */
    private HeadroomAnswer answer(String spentCents) {
        Instant now = clock.instant();
        Spend spend = new Spend(TEAM.currentPeriod(now), new BigDecimal(spentCents), BigDecimal.ZERO, BigDecimal.ZERO,
                Optional.of(LocalDate.parse("2026-11-23")), Optional.of(now.minus(Duration.ofMinutes(30))),
                Spend.BASIS_COST_REPORT, List.of(), false);
        return HeadroomService.decide(TEAM, spend, BigDecimal.ZERO, now, Duration.ofHours(3));
    }

    @Test
    void twoThresholdsCrossedTogetherAreOneMessageNamingTheHigherAndAreSentOnce() {
        ThresholdAlerts alerts = recording();

        assertThat(alerts.evaluate(answer("7512"))).isEqualTo(1);
        assertThat(alerts.evaluate(answer("7600"))).isZero();

        assertThat(published).hasSize(1);
        AlertMessage message = published.get(0);
        assertThat(message.subject()).isEqualTo(
                "[Cost Observatory] team at 75% \u2014 $75.12 of $100.00 (monthly, resets 2026-12-01)");
        assertThat(message.allThresholds()).containsExactly(new BigDecimal("50"), new BigDecimal("75"));
        assertThat(message.severity()).isEqualTo("warning");
        assertThat(message.dedupeId()).isEqualTo("team/2026-11-01T00:00:00Z/75");
        assertThat(message.attributes()).containsEntry("threshold", "75").containsEntry("budget", "team");
        assertThat(store.period("team", "2026-11-01T00:00:00Z")).hasSize(2).allSatisfy(record -> {
            assertThat(record.state()).isEqualTo(AlertRecord.SENT);
            assertThat(record.messageId()).contains("msg-1");
        });
    }

    @Test
    void thresholdsSeenSentAreNotReadAgainButANewlyCrossedOneIs() {
        AtomicInteger reads = new AtomicInteger();
        DynamoDbLocal local = DynamoDbLocal.shared();
        String table = local.newTable();
        store = new DynamoDbAlertStore(local.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof QueryRequest) {
                    reads.incrementAndGet();
                }
            }
        }), table);
        ThresholdAlerts alerts = recording();
        assertThat(alerts.evaluate(answer("5500"))).isEqualTo(1);
        alerts.evaluate(answer("5600"));   // reads the records once more and finds 50 % sent
        int before = reads.get();

        assertThat(alerts.evaluate(answer("5700"))).isZero();
        assertThat(alerts.evaluate(answer("6000"))).isZero();
        assertThat(reads.get()).as("a sent alert stays sent: nothing to read").isEqualTo(before);

        assertThat(alerts.evaluate(answer("7600"))).isEqualTo(1);
        assertThat(reads.get()).isGreaterThan(before);
        assertThat(published).hasSize(2);
    }

    @Test
    void aThresholdBelowWarnIsInfoAndAtTheLimitCritical() {
        ThresholdAlerts alerts = recording();

        alerts.evaluate(answer("5000"));
        alerts.evaluate(answer("10000"));

        assertThat(published).extracting(AlertMessage::severity).containsExactly("info", "critical");
        assertThat(published.get(1).subject()).isEqualTo(
                "[Cost Observatory] team at 100% \u2014 $100.00 of $100.00 (monthly, resets 2026-12-01)");
        assertThat(published.get(1).allThresholds()).containsExactly(new BigDecimal("75"), new BigDecimal("100"));
    }

    @Test
    void nothingCrossedSendsNothing() {
        assertThat(recording().evaluate(answer("4999"))).isZero();
        assertThat(published).isEmpty();
        assertThat(store.period("team", "2026-11-01T00:00:00Z")).isEmpty();
    }

    @Test
    void aPublisherThatDiedHoldsItsClaimForTheWholeLeaseThenItIsTakenOverOnce() {
        // GIVEN a publisher that fails after claiming 50 %
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> alerts(message -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("injected: the topic is gone");
        }).evaluate(answer("5100"))).hasMessageContaining("injected");
        ThresholdAlerts alerts = recording();

        // WHEN others evaluate before the lease (300 s) has run out, then after
        clock.advance(Duration.ofSeconds(299));
        assertThat(alerts.evaluate(answer("5100"))).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(alerts.evaluate(answer("5100"))).isEqualTo(1);
        assertThat(alerts.evaluate(answer("5100"))).isZero();

        // THEN it was sent exactly once, with the same dedupe id the dead publisher had
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(published).extracting(AlertMessage::dedupeId).containsExactly("team/2026-11-01T00:00:00Z/50");
        assertThat(store.period("team", "2026-11-01T00:00:00Z")).singleElement()
                .satisfies(record -> assertThat(record.state()).isEqualTo(AlertRecord.SENT));
    }

    @Test
    void aNewPeriodReArmsEveryThreshold() {
        ThresholdAlerts alerts = recording();
        alerts.evaluate(answer("8000"));

        clock.set(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(alerts.evaluate(answer("8000"))).isEqualTo(1);

        assertThat(published).extracting(AlertMessage::dedupeId).containsExactly("team/2026-11-01T00:00:00Z/75",
                "team/2026-12-01T00:00:00Z/75");
    }
}
