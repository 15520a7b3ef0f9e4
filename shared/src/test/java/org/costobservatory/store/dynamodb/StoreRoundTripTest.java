package org.costobservatory.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.budget.HoldService;
import org.costobservatory.budget.RequestRefused;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.RunScope;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.Hold;
import org.costobservatory.store.HoldLedger;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the budget, alert and hold stores write comes back whole, every optional field included, from a real table:
 * a field the mapper forgets to write (or to read) fails here rather than in a handler test further away.
 */
class StoreRoundTripTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private Components components;

    @BeforeEach
    void setUp() {
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", DynamoDbLocal.shared().newTable())))
                .dynamo(DynamoDbLocal.shared().client()).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .alertPublisher(message -> "unused").build();
    }

    private static Budget organisation(String name, String limit) {
        return new Budget(name, new BigDecimal(limit), BudgetPeriod.MONTHLY, ZoneOffset.UTC, BudgetScope.ORGANISATION,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @Test
    void aBudgetWithEveryFieldSetComesBackEqual() {
        Budget full = new Budget("team-agents", new BigDecimal("1234.56"), BudgetPeriod.WEEKLY,
                ZoneId.of("America/New_York"), new BudgetScope(Optional.of("wrkspc_01Team"),
                Optional.of("apikey_01Agent"), Optional.of("claude-sonnet-4-6")),
                List.of(new BigDecimal("25"), new BigDecimal("80.5"), new BigDecimal("100")), new BigDecimal("70"),
                Optional.of("agent-sdk-team"), Optional.of(12), Optional.of(Instant.parse("2026-11-20T08:15:30Z")),
                false, false);
        Budget bare = organisation("org", "500");

        components.budgets().put(full);
        components.budgets().put(bare);

        assertThat(components.budgets().get("team-agents")).contains(full);
        assertThat(components.budgets().get("org")).contains(bare);
        assertThat(components.budgets().list()).containsExactlyInAnyOrder(full, bare);
    }

    @Test
    void anAlertClaimKeepsTheSpendItWasClaimedAt() {
        AlertRecord claim = new AlertRecord("team-agents", "2026-11", "2026-11-01", "2026-12-01", "UTC",
                new BigDecimal("75"), AlertRecord.CLAIMED, "owner-1", NOW.plusSeconds(300), NOW, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(new BigDecimal("751.20")),
                Optional.of(new BigDecimal("1000")), Optional.of(new BigDecimal("75.12")));

        assertThat(components.alerts().claim(List.of(claim), NOW)).isTrue();

        assertThat(components.alerts().period("team-agents", "2026-11")).singleElement().satisfies(stored -> {
            assertThat(stored.spentUsd()).contains(new BigDecimal("751.20"));
            assertThat(stored.limitUsd()).contains(new BigDecimal("1000"));
            assertThat(stored.percentUsed()).contains(new BigDecimal("75.12"));
            assertThat(stored.thresholdPercent()).isEqualByComparingTo("75");
            assertThat(stored.owner()).isEqualTo("owner-1");
            assertThat(stored.leaseUntil()).isEqualTo(NOW.plusSeconds(300));
        });
    }

    @Test
    void aHoldIsFoundByItsIdAndSitsInTheLedgerOfEveryBudgetItCounts() {
        components.budgets().put(organisation("org-a", "1000"));
        components.budgets().put(organisation("org-b", "2000"));

        HoldService.Outcome outcome = components.holdService().place(new HoldService.Request(Optional.empty(),
                RunScope.NONE, Optional.of(new BigDecimal("2.50")), Duration.ofMinutes(30), "run-42",
                Optional.empty()));

        assertThat(outcome).isInstanceOf(HoldService.Granted.class);
        String id = ((HoldService.Granted) outcome).hold().holdId();
        Optional<Hold> stored = components.holds().get(id);
        assertThat(stored).hasValueSatisfying(hold -> {
            assertThat(hold.runId()).isEqualTo("run-42");
            assertThat(hold.budgets()).containsExactlyInAnyOrder("org-a", "org-b");
            assertThat(hold.estimateUsd()).isEqualByComparingTo("2.50");
            assertThat(hold.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
        });
        assertThat(components.holds().get("hold-that-never-was")).isEmpty();

        Map<String, HoldLedger> both = components.headroom().ledgersOf(components.budgets().list());
        assertThat(both).containsOnlyKeys("org-a", "org-b");
        assertThat(both.values()).allSatisfy(ledger -> assertThat(ledger.holds()).containsOnlyKeys(id));
        Map<String, HoldLedger> one = components.headroom().ledgersOf(List.of(components.budgets().get("org-b")
                .orElseThrow()));
        assertThat(one).containsOnlyKeys("org-b");
        assertThat(one.get("org-b").holds()).containsOnlyKeys(id);
        assertThat(components.headroom().ledgersOf(List.of())).isEmpty();
    }

    @Test
    void aHoldCountsAgainstAtMost99BudgetsOneTransactionOfAHundredItems() {
        for (int i = 1; i <= HoldService.MAX_BUDGETS + 1; i++) {
            components.budgets().put(organisation(String.format("org-%03d", i), "1000"));
        }
        HoldService.Request request = new HoldService.Request(Optional.empty(), RunScope.NONE,
                Optional.of(new BigDecimal("1")), Duration.ofMinutes(30), "run-wide", Optional.empty());

        assertThatThrownBy(() -> components.holdService().place(request)).isInstanceOf(RequestRefused.class)
                .hasMessageContaining("100 budgets apply to this scope; a hold can be checked against at most 99");

        components.budgets().delete("org-100");
        HoldService.Outcome outcome = components.holdService().place(request);
        assertThat(outcome).isInstanceOf(HoldService.Granted.class);
        assertThat(components.headroom().ledgersOf(components.budgets().list()).values())
                .hasSize(99).allSatisfy(ledger -> assertThat(ledger.holds()).hasSize(1));
    }

    @Test
    void aHoldWithARunClassComesBackWholeAndSettledWithItsActual() {
        components.budgets().put(organisation("org", "1000"));
        HoldService.Outcome outcome = components.holdService().place(new HoldService.Request(Optional.of("org"),
                RunScope.NONE, Optional.of(new BigDecimal("3")), Duration.ofMinutes(30), "run-7",
                Optional.of("nightly-eval")));
        String id = ((HoldService.Granted) outcome).hold().holdId();

        Hold active = components.holds().get(id).orElseThrow();
        assertThat(active.runClass()).contains("nightly-eval");
        assertThat(active.actualUsd()).isEmpty();
        assertThat(active.stateAt(NOW)).isEqualTo(Hold.ACTIVE);
        assertThat(active.stateAt(NOW.plus(Duration.ofMinutes(30)))).isEqualTo(Hold.EXPIRED);
        assertThat(components.holds().ledger("org").holds().get(id).runClass()).contains("nightly-eval");

        components.holdService().settle(id, Optional.of(new BigDecimal("2.75")), Optional.of(NOW));

        Hold settled = components.holds().get(id).orElseThrow();
        assertThat(settled.state()).isEqualTo(Hold.SETTLED);
        assertThat(settled.stateAt(NOW.plus(Duration.ofHours(1)))).as("only an active hold expires")
                .isEqualTo(Hold.SETTLED);
        assertThat(settled.runClass()).contains("nightly-eval");
        assertThat(settled.actualUsd()).hasValueSatisfying(actual -> assertThat(actual).isEqualByComparingTo("2.75"));
        assertThat(settled.actualBasis()).contains(HoldService.BASIS_CALLER);
        assertThat(settled.endedAt()).contains(NOW);
        assertThat(settled.closedAt()).contains(NOW);
        assertThat(components.holds().ledger("org").recent()).containsKey(id);
        assertThat(components.holds().runClassCosts("nightly-eval", 10)).singleElement()
                .satisfies(cost -> assertThat(cost).isEqualByComparingTo("2.75"));
    }
}
