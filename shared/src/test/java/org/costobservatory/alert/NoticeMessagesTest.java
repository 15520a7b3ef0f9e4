package org.costobservatory.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.costobservatory.budget.Forecast;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.Spend;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.json.Json;
import org.junit.jupiter.api.Test;

/** The forecast notice as Slack gets it (the Chatbot custom notification) and how much of a period data covers. */
class NoticeMessagesTest {
    private static final Instant AS_OF = Instant.parse("2026-11-10T00:00:00Z");

    private static HeadroomAnswer answer(Optional<Instant> dataAsOf) {
        Budget budget = new Budget("early", new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty());
        Spend spend = new Spend(budget.currentPeriod(AS_OF), new BigDecimal("4000"), BigDecimal.ZERO,
                BigDecimal.ZERO, Optional.empty(), dataAsOf, Spend.BASIS_COST_REPORT, List.of(), false);
        Forecast forecast = new Forecast(Forecast.RUN_RATE, Optional.of(new BigDecimal("150.00")),
                Optional.of(new BigDecimal("120.00")), Optional.of(new BigDecimal("180.00")),
                Optional.of(Instant.parse("2026-11-25T06:00:00Z")), 3);
        return HeadroomService.decide(budget, spend, BigDecimal.ZERO, AS_OF, Duration.ofHours(3))
                .withForecast(forecast);
    }

    @Test
    void theForecastNoticeIsAChatbotCustomNotification() throws Exception {
        AlertMessage notice = NoticeMessages.forecast(answer(Optional.of(AS_OF)));

        JsonNode chatbot = Json.mapper().readTree(notice.chatbotJson());
        assertThat(chatbot.path("version").asText()).isEqualTo("1.0");
        assertThat(chatbot.path("source").asText()).isEqualTo("custom");
        assertThat(chatbot.at("/content/title").asText()).isEqualTo(":crystal_ball: Budget *early* runs out 2026-11-25");
        assertThat(chatbot.at("/content/description").asText()).contains("*Forecast:* $150.00 of $100.00");
        assertThat(chatbot.at("/metadata/eventType").asText()).isEqualTo("CostObservatoryForecast");
        assertThat(chatbot.at("/metadata/additionalContext").toString())
                .isEqualTo("{\"budget\":\"early\",\"kind\":\"forecast\"}");
        assertThat(notice.subject()).isEqualTo(
                "[Cost Observatory] early forecast $150.00 of $100.00 \u2014 runs out 2026-11-25");
    }

    @Test
    void coveredIsTheShareOfThePeriodTheDataReaches() {
        // 9 days of November's 30
        assertThat(NoticeMessages.covered(answer(Optional.of(AS_OF)))).isEqualTo(9 / 30.0);
        assertThat(NoticeMessages.covered(answer(Optional.empty()))).isZero();
        assertThat(NoticeMessages.covered(answer(Optional.of(Instant.parse("2026-12-05T00:00:00Z"))))).isEqualTo(1.0);
    }
}
