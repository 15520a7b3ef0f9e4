package org.costobservatory.wiring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.alert.AlertMessage;
import org.costobservatory.alert.AlertMessages;
import org.costobservatory.anthropic.FakeAdminApi;
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

/**
 * The alert as SNS sends it: one body per protocol, the Chatbot custom notification for Slack, attributes; and the
 * query-protocol call itself: signed, refusals named, transient failures tried again.
 */
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
        HeadroomAnswer answer = answer("team-agents", "7000", "UTC");
        AlertMessage message = AlertMessages.build(answer, answer.thresholdsCrossed());
        SnsAlertPublisher publisher = new SnsAlertPublisher(new SignedAwsCalls("sns", URI.create("http://unused"),
                "us-east-1", () -> null, HttpClient.newHttpClient()), "arn:aws:sns:us-east-1:123456789012:alerts");

        Map<String, String> form = decode(publisher.form(message));

        assertThat(form).containsEntry("Action", "Publish").containsEntry("Version", "2010-03-31")
                .containsEntry("TopicArn", "arn:aws:sns:us-east-1:123456789012:alerts")
                .containsEntry("MessageStructure", "json")
                .containsEntry("Subject", "[Cost Observatory] team-agents at 75% \u2014 $75.12 of $100.00 (monthly, "
                        + "resets 2026-12-01)");
        JsonNode bodies = Json.mapper().readTree(form.get("Message"));
        assertThat(bodies.get("default").asText()).isEqualTo(message.text()).contains("Spent:        $75.12");
        assertThat(bodies.get("email").asText()).isEqualTo(message.text());
        JsonNode chatbot = Json.mapper().readTree(bodies.get("https").asText());
        assertThat(chatbot.get("version").asText()).isEqualTo("1.0");
        assertThat(chatbot.get("source").asText()).isEqualTo("custom");
        assertThat(chatbot.at("/content/textType").asText()).isEqualTo("client-markdown");
        assertThat(chatbot.at("/content/title").asText()).contains("team-agents").contains("75%");
        assertThat(chatbot.at("/content/description").asText()).contains("$75.12 of $100.00");
        assertThat(chatbot.at("/metadata/additionalContext/threshold").asText()).isEqualTo("75");
        Map<String, String> types = new HashMap<>();
        Map<String, String> values = new HashMap<>();
        for (int entry = 1; form.containsKey("MessageAttributes.entry." + entry + ".Name"); entry++) {
            String prefix = "MessageAttributes.entry." + entry + ".";
            types.put(form.get(prefix + "Name"), form.get(prefix + "Value.DataType"));
            values.put(form.get(prefix + "Name"), form.get(prefix + "Value.StringValue"));
        }
        assertThat(types).containsEntry("threshold", "Number").containsEntry("severity", "String")
                .containsEntry("budget", "String");
        assertThat(values).containsEntry("threshold", "75").containsEntry("severity", "warning")
                .containsEntry("budget", "team-agents");
    }

    @Test
    void snsAcceptsItAndAnSqsSubscriberReceivesThePlainTextAndTheAttributes() {
        try (AlertInbox inbox = new AlertInbox(MotoServer.shared())) {
            HeadroomAnswer answer = answer("team-agents", "7000", "UTC");
            AlertMessage message = AlertMessages.build(answer, answer.thresholdsCrossed());

            String id = inbox.publisher().publish(message);

            assertThat(id).isNotBlank();
            assertThat(inbox.drain()).singleElement().satisfies(envelope -> {
                assertThat(envelope.get("MessageId").asText()).isEqualTo(id);
                assertThat(envelope.get("Message").asText()).isEqualTo(message.text());
                assertThat(envelope.get("Subject").asText()).isEqualTo(message.subject());
                assertThat(envelope.at("/MessageAttributes/threshold/Type").asText()).isEqualTo("Number");
                assertThat(AlertInbox.attributes(envelope)).containsEntry("threshold", "75")
                        .containsEntry("severity", "warning").containsEntry("budget", "team-agents");
            });
        }
    }

    @Test
    void theRequestIsSignedForSnsInTheConfiguredRegion() {
        try (FakeAdminApi sns = FakeAdminApi.start()) {
            sns.server().stubFor(post("/").willReturn(aResponse().withStatus(200).withBody(PUBLISHED)));

            String id = publisher(sns).publish(message());

            assertThat(id).isEqualTo("5f0c2a4e-0000-4000-8000-000000000001");
            sns.server().verify(1, postRequestedFor(urlEqualTo("/"))
                    .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                    .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=test/\\d{8}/eu-west-1/sns/"
                            + "aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}"))
                    .withHeader("X-Amz-Date", matching("\\d{8}T\\d{6}Z"))
                    .withRequestBody(containing("Action=Publish")));
        }
    }

    @Test
    void aRefusalNamesSnsErrorAndIsNotRetried() {
        try (FakeAdminApi sns = FakeAdminApi.start()) {
            sns.server().stubFor(post("/").willReturn(aResponse().withStatus(404).withBody("""
                    <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>\
                    <Code>NotFound</Code><Message>Topic does not exist</Message></Error>\
                    <RequestId>r-1</RequestId></ErrorResponse>""")));

            assertThatThrownBy(() -> publisher(sns).publish(message()))
                    .hasMessage("SNS Publish answered HTTP 404 NotFound: Topic does not exist");
            sns.server().verify(1, postRequestedFor(urlEqualTo("/")));
        }
    }

    @Test
    void throttlingAndServerErrorsAreTriedAgainThreeAttemptsInAll() {
        try (FakeAdminApi sns = FakeAdminApi.start()) {
            sns.server().stubFor(post("/").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(400).withBody("<ErrorResponse><Error><Code>Throttling</Code>"
                            + "<Message>Rate exceeded</Message></Error></ErrorResponse>")).willSetStateTo("once"));
            sns.server().stubFor(post("/").inScenario("flaky").whenScenarioStateIs("once")
                    .willReturn(aResponse().withStatus(503)).willSetStateTo("twice"));
            sns.server().stubFor(post("/").inScenario("flaky").whenScenarioStateIs("twice")
                    .willReturn(aResponse().withStatus(200).withBody(PUBLISHED)));

            assertThat(publisher(sns).publish(message())).isEqualTo("5f0c2a4e-0000-4000-8000-000000000001");
            sns.server().verify(3, postRequestedFor(urlEqualTo("/")));

            sns.server().resetAll();
            sns.server().stubFor(post("/").willReturn(aResponse().withStatus(500).withBody("not xml")));
            assertThatThrownBy(() -> publisher(sns).publish(message()))
                    .hasMessage("SNS Publish answered HTTP 500 UnknownError: ");
            sns.server().verify(3, postRequestedFor(urlEqualTo("/")));
        }
    }

    @Test
    void anUnreachableEndpointIsNamedWithoutTheMessage() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        SnsAlertPublisher publisher = SnsAlertPublisher.fromEnvironment(Map.of("AWS_ENDPOINT_URL_SNS",
                "http://127.0.0.1:" + closed, "AWS_REGION", "eu-west-1"), "arn:aws:sns:eu-west-1:1:alerts");

        assertThatThrownBy(() -> publisher.publish(message())).hasMessage("SNS Publish failed: ConnectException");
    }

    private static final String PUBLISHED = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
            + "<PublishResult><MessageId>5f0c2a4e-0000-4000-8000-000000000001</MessageId></PublishResult>"
            + "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>";

    private static SnsAlertPublisher publisher(FakeAdminApi sns) {
        return SnsAlertPublisher.fromEnvironment(Map.of("AWS_ENDPOINT_URL_SNS", sns.baseUri().toString(),
                "AWS_REGION", "eu-west-1"), "arn:aws:sns:eu-west-1:123456789012:alerts");
    }

    private static AlertMessage message() {
        HeadroomAnswer answer = answer("team-agents", "7000", "UTC");
        return AlertMessages.build(answer, answer.thresholdsCrossed());
    }

    private static Map<String, String> decode(byte[] form) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : new String(form, StandardCharsets.UTF_8).split("&")) {
            int equals = pair.indexOf('=');
            fields.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return fields;
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
