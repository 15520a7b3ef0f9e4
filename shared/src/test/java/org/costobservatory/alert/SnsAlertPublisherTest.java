package org.costobservatory.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.Spend;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.json.Json;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.MotoServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/** The alert as SNS sends it: one body per protocol, the Chatbot custom notification for Slack, attributes. */
class SnsAlertPublisherTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    static HeadroomAnswer answer(String name, String spentCents, String zone) {
        Budget budget = new Budget(name, new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneId.of(zone),
                new BudgetScope(Optional.of("default"), Optional.empty(), Optional.empty()),
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
        Spend spend = new Spend(budget.currentPeriod(NOW), new BigDecimal(spentCents), BigDecimal.ZERO,
                new BigDecimal("512"), Optional.of(LocalDate.parse("2026-11-23")),
                Optional.of(Instant.parse("2026-11-24T10:00:00Z")), Spend.BASIS_COST_REPORT, List.of(), false);
        return HeadroomService.decide(budget, spend, BigDecimal.ZERO, NOW, Duration.ofHours(3));
    }

    @Test
    void publishesPlainTextForEmailAndTheChatbotNotificationForSlack() throws Exception {
        AtomicReference<PublishRequest> sent = new AtomicReference<>();
        try (AlertInbox inbox = new AlertInbox(MotoServer.shared());
             SnsClient sns = MotoServer.shared().client(SnsClient.builder().overrideConfiguration(c -> c
                     .addExecutionInterceptor(new ExecutionInterceptor() {
                         @Override
                         public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes a) {
                             if (context.request() instanceof PublishRequest publish) {
                                 sent.set(publish);
                             }
                         }
                     })))) {
            HeadroomAnswer answer = answer("team-agents", "7000", "UTC");
            AlertMessage message = AlertMessages.build(answer, answer.thresholdsCrossed());

            String id = new SnsAlertPublisher(sns, inbox.topicArn()).publish(message);

            assertThat(id).isNotBlank();
            PublishRequest request = sent.get();
            assertThat(request.messageStructure()).isEqualTo("json");
            assertThat(request.subject())
                    .isEqualTo("[Cost Observatory] team-agents at 75% \u2014 $75.12 of $100.00 (monthly, resets 2026-12-01)");
            JsonNode bodies = Json.mapper().readTree(request.message());
            assertThat(bodies.get("default").asText()).isEqualTo(message.text()).contains("Spent:        $75.12");
            assertThat(bodies.get("email").asText()).isEqualTo(message.text());
            JsonNode chatbot = Json.mapper().readTree(bodies.get("https").asText());
            assertThat(chatbot.get("version").asText()).isEqualTo("1.0");
            assertThat(chatbot.get("source").asText()).isEqualTo("custom");
            assertThat(chatbot.at("/content/textType").asText()).isEqualTo("client-markdown");
            assertThat(chatbot.at("/content/title").asText()).contains("team-agents").contains("75%");
            assertThat(chatbot.at("/content/description").asText()).contains("$75.12 of $100.00");
            assertThat(chatbot.at("/metadata/additionalContext/threshold").asText()).isEqualTo("75");
            assertThat(request.messageAttributes().get("threshold").dataType()).isEqualTo("Number");
            assertThat(request.messageAttributes().get("severity").stringValue()).isEqualTo("warning");
            assertThat(request.messageAttributes().get("budget").stringValue()).isEqualTo("team-agents");
            // and what an SQS subscriber receives is the plain text
            assertThat(inbox.drain()).singleElement().satisfies(envelope ->
                    assertThat(envelope.get("Message").asText()).isEqualTo(message.text()));
        }
    }

    @Test
    void aLongNameStillGivesASubjectUnderOneHundredCharacters() {
        HeadroomAnswer answer = answer("a-budget-name-that-is-sixty-four-characters-long-which-is-the-max", "12000",
                "America/New_York");
        AlertMessage message = AlertMessages.build(answer, answer.thresholdsCrossed());
        assertThat(message.subject()).hasSizeLessThan(100).startsWith("[Cost Observatory] a-budget-name");
        assertThat(message.severity()).isEqualTo("critical");
        assertThat(message.text()).contains("(America/New_York)");
    }
}
