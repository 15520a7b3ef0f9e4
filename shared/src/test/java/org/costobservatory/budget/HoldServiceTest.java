package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.RunScope;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.Test;

/** A hold's answers as the service gives them; the handler tests in budget-check cover the HTTP contract. */
class HoldServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    private static Budget organisation(String name, String limit) {
        return new Budget(name, new BigDecimal(limit), BudgetPeriod.MONTHLY, ZoneOffset.UTC, BudgetScope.ORGANISATION,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static Components components() {
        return Components.builder(Config.fromEnv(Map.of("TABLE_NAME", DynamoDbLocal.shared().newTable())))
                .dynamo(DynamoDbLocal.shared().client()).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .alertPublisher(message -> "unused").build();
    }

    @Test
    void theAnswersOfAHoldListTheMostConstrainedBudgetFirst() {
        Components components = components();
        components.budgets().put(organisation("a-roomy", "1000"));
        components.budgets().put(organisation("z-tight", "10"));

        HoldService.Outcome outcome = components.holdService().place(new HoldService.Request(Optional.empty(),
                RunScope.NONE, Optional.of(new BigDecimal("1")), Duration.ofMinutes(10), "run-1", Optional.empty()));

        // $1 is 10 % of z-tight and 0.1 % of a-roomy: z-tight comes first, whatever the names' order
        assertThat(outcome).isInstanceOfSatisfying(HoldService.Granted.class, granted ->
                assertThat(granted.answers()).extracting(answer -> answer.budget().name())
                        .containsExactly("z-tight", "a-roomy"));
    }

    @Test
    void aRunIdAlreadyHoldingForOneTargetIsRefusedForAnother() {
        Components components = components();
        components.budgets().put(organisation("a-roomy", "1000"));
        components.budgets().put(organisation("z-tight", "10"));
        HoldService holds = components.holdService();
        holds.place(new HoldService.Request(Optional.of("a-roomy"), RunScope.NONE, Optional.of(BigDecimal.ONE),
                Duration.ofMinutes(10), "run-1", Optional.empty()));

        assertThatThrownBy(() -> holds.place(new HoldService.Request(Optional.of("z-tight"), RunScope.NONE,
                Optional.of(BigDecimal.ONE), Duration.ofMinutes(10), "run-1", Optional.empty())))
                .isInstanceOf(RequestRefused.class)
                .hasMessageContaining("run_id 'run-1' already has hold").hasMessageContaining("for budget=a-roomy");
        assertThat(holds.place(new HoldService.Request(Optional.of("a-roomy"), RunScope.NONE,
                Optional.of(BigDecimal.ONE), Duration.ofMinutes(10), "run-1", Optional.empty())))
                .isInstanceOfSatisfying(HoldService.Granted.class, again -> assertThat(again.repeated()).isTrue());
    }
}
