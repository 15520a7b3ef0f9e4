package org.costobservatory.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.MotoServer;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A new period re-arms a budget that alerted in the last one, and that is said once: through the real after-ingest
 * evaluation, DynamoDB Local for the alert and notice items, moto_server SNS→SQS for what is delivered.
 */
class ResetNoticesTest {
    private final MutableClock clock = MutableClock.at("2026-12-01T00:10:00Z");
    private AlertInbox inbox;
    private Components components;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        inbox = new AlertInbox(MotoServer.shared());
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(local.client()).clock(clock)
                .alertPublisher(inbox.publisher()).build();
    }

    @AfterEach
    void tearDown() {
        inbox.close();
    }

    private static Budget budget(String name, BudgetPeriod period, ZoneId zone, boolean resetNotice) {
        return new Budget(name, new BigDecimal("100"), period, zone, BudgetScope.ORGANISATION,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty(), resetNotice, true);
    }

    /** Thresholds of the period containing {@code at}, claimed and sent (or only claimed) as an evaluation would. */
    private void alerted(Budget budget, String at, boolean sent, int... thresholds) {
        PeriodWindow period = budget.currentPeriod(Instant.parse(at));
        Instant when = Instant.parse(at);
        List<AlertRecord> claims = java.util.Arrays.stream(thresholds).mapToObj(t -> new AlertRecord(budget.name(),
                period.key(), period.startText(), period.endText(), budget.timeZone().getId(), BigDecimal.valueOf(t),
                AlertRecord.CLAIMED, "owner", when.plusSeconds(300), when, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(new BigDecimal("104.20")), Optional.of(new BigDecimal("100")),
                Optional.of(new BigDecimal("104.20")))).toList();
        assertThat(components.alerts().claim(claims, when)).isTrue();
        if (sent) {
            components.alerts().markSent(claims, "owner", "message-1", "subject", when);
        }
    }

    private List<JsonNode> delivered() {
        return inbox.drain();
    }

    @Test
    void aBudgetThatAlertedLastMonthIsAnnouncedOnceWhenDecemberStarts() {
        Budget team = budget("team-agents", BudgetPeriod.MONTHLY, ZoneOffset.UTC, true);
        components.budgets().put(team);
        alerted(team, "2026-11-20T09:00:00Z", true, 50, 75, 100);

        assertThat(components.budgetAlerts().run()).isEqualTo(1);
        assertThat(components.budgetAlerts().run()).as("once").isZero();

        List<JsonNode> messages = delivered();
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).path("Subject").asText())
                .isEqualTo("[Cost Observatory] team-agents reset: $0.00 of $100.00 for December 2026");
        assertThat(messages.get(0).path("Message").asText()).contains("alerted at 50%, 75%, 100%")
                .contains("Last period:  2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z");
        assertThat(AlertInbox.attributes(messages.get(0))).containsEntry("kind", "reset")
                .containsEntry("budget", "team-agents").containsEntry("severity", "info");
        assertThat(components.notices().get("reset#team-agents#2026-12-01T00:00:00Z").orElseThrow().sent())
                .isTrue();
    }

    @Test
    void nothingIsSaidWhenTheLastPeriodNeverAlertedOrTheBudgetAskedForSilence() {
        Budget quiet = budget("quiet", BudgetPeriod.MONTHLY, ZoneOffset.UTC, false);
        Budget calm = budget("calm", BudgetPeriod.MONTHLY, ZoneOffset.UTC, true);
        Budget pending = budget("pending", BudgetPeriod.MONTHLY, ZoneOffset.UTC, true);
        Budget current = budget("current", BudgetPeriod.MONTHLY, ZoneOffset.UTC, true);
        List.of(quiet, calm, pending, current).forEach(components.budgets()::put);
        alerted(quiet, "2026-11-20T09:00:00Z", true, 50);
        alerted(pending, "2026-11-20T09:00:00Z", false, 50);   // claimed, never sent
        alerted(current, "2026-12-01T00:05:00Z", true, 50);    // this period's, not the last one's

        components.budgetAlerts().run();

        assertThat(delivered()).extracting(m -> m.path("Subject").asText())
                .noneMatch(subject -> subject.contains("reset"));
    }

    @Test
    void weeklyAndDailyPeriodsAreNamedByTheirFirstDayInTheBudgetsTimeZone() {
        clock.set(Instant.parse("2026-11-30T08:00:00Z"));   // Monday 09:00 in Berlin
        Budget weekly = budget("weekly", BudgetPeriod.WEEKLY, ZoneId.of("Europe/Berlin"), true);
        Budget daily = budget("daily", BudgetPeriod.DAILY, ZoneId.of("Europe/Berlin"), true);
        components.budgets().put(weekly);
        components.budgets().put(daily);
        alerted(weekly, "2026-11-27T12:00:00Z", true, 75);
        alerted(daily, "2026-11-29T22:00:00Z", true, 100);   // Sunday 23:00 in Berlin

        assertThat(components.budgetAlerts().run()).isEqualTo(2);

        assertThat(delivered()).extracting(m -> m.path("Subject").asText()).containsExactlyInAnyOrder(
                "[Cost Observatory] weekly reset: $0.00 of $100.00 for the week of 2026-11-30",
                "[Cost Observatory] daily reset: $0.00 of $100.00 for 2026-11-30");
    }
}
