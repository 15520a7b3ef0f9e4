package org.costobservatory.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.Spend;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.json.Json;
import org.junit.jupiter.api.Test;

/** The lines of an alert that depend on the answer: Priority Tier, staleness, unpriced models, severity, length. */
class AlertMessagesTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    private static HeadroomAnswer answer(String name, String spentCents, String priorityCents, Instant dataAsOf,
                                         List<String> unpriced) {
        Budget budget = new Budget(name, new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty());
        Spend spend = new Spend(budget.currentPeriod(NOW), new BigDecimal(spentCents), new BigDecimal(priorityCents),
                BigDecimal.ZERO, Optional.of(LocalDate.parse("2026-11-23")), Optional.of(dataAsOf),
                Spend.BASIS_COST_REPORT, unpriced, false);
        return HeadroomService.decide(budget, spend, BigDecimal.ZERO, NOW, Duration.ofHours(3));
    }

    @Test
    void aPlainAnswerHasNoneOfTheOptionalLines() throws Exception {
        HeadroomAnswer plain = answer("team", "8000", "0", Instant.parse("2026-11-24T10:00:00Z"), List.of());

        AlertMessage message = AlertMessages.build(plain, plain.thresholdsCrossed());

        assertThat(message.text()).doesNotContain("Priority Tier").doesNotContain("(stale)")
                .doesNotContain("Unpriced models").contains("Crossed:      50%, 75%\n")
                .contains("Data as of:   2026-11-24T10:00:00Z\n");
        assertThat(message.severity()).isEqualTo("warning");
        JsonNode chatbot = Json.mapper().readTree(message.chatbotJson());
        assertThat(chatbot.at("/content/title").asText()).startsWith(":warning: Budget *team* at 75%");
    }

    @Test
    void priorityTierStaleDataAndUnpricedModelsEachGetTheirLine() throws Exception {
        HeadroomAnswer flagged = answer("team", "12000", "1775", Instant.parse("2026-11-24T05:00:00Z"),
                List.of("claude-haiku-5-6"));

        AlertMessage message = AlertMessages.build(flagged, flagged.thresholdsCrossed());

        assertThat(message.text()).contains("    of which Priority Tier at list price: $17.75\n")
                .contains("Data as of:   2026-11-24T05:00:00Z (stale)\n")
                .contains("counted at their family's dearest current model's price): claude-haiku-5-6\n")
                .contains("Crossed:      50%, 75%, 100%\n");
        assertThat(message.severity()).isEqualTo("critical");
        assertThat(Json.mapper().readTree(message.chatbotJson()).at("/content/title").asText())
                .startsWith(":rotating_light: Budget *team* at 100%");
    }

    @Test
    void aSubjectIsCutToNinetyNineCharactersOnlyWhenLonger() {
        // "[Cost Observatory] " + name + " at 75% — $80.00 of $100.00 (monthly, resets 2026-12-01)" is 75 + name
        String fits = "n".repeat(24);
        String over = "n".repeat(25);

        HeadroomAnswer exact = answer(fits, "8000", "0", Instant.parse("2026-11-24T10:00:00Z"), List.of());
        HeadroomAnswer longer = answer(over, "8000", "0", Instant.parse("2026-11-24T10:00:00Z"), List.of());

        assertThat(AlertMessages.build(exact, exact.thresholdsCrossed()).subject()).hasSize(99).endsWith(")");
        assertThat(AlertMessages.build(longer, longer.thresholdsCrossed()).subject()).hasSize(99)
                .endsWith("\u2026");
    }
}
