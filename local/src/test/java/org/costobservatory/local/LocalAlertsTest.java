package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.alert.AlertMessage;
import org.costobservatory.json.Json;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.MotoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where local mode sends alerts: the alert log, the console, a Slack webhook, or SNS when configured. */
class LocalAlertsTest {
    private static final AlertMessage MESSAGE = new AlertMessage("team", new BigDecimal("75"),
            List.of(new BigDecimal("50"), new BigDecimal("75")), "warning",
            "[Cost Observatory] team at 75% \u2014 $75.12 of $100.00 (monthly, resets 2026-12-01)",
            "Budget team has reached 75% of its monthly limit.\n", "{\"version\":\"1.0\",\"source\":\"custom\"}",
            "team/2026-11-01T00:00:00Z/75", Map.of("budget", "team", "threshold", "75", "severity", "warning"));

    @Test
    void alertsGoToTheLogTheConsoleAndSlack(@TempDir Path dir) throws Exception {
        List<String> posted = new CopyOnWriteArrayList<>();
        AtomicInteger status = new AtomicInteger(200);
        HttpServer slack = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        slack.createContext("/services/T000/B000/XXXX", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        slack.start();
        try {
            URI webhook = URI.create("http://127.0.0.1:" + slack.getAddress().getPort() + "/services/T000/B000/XXXX");
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            LocalAlertPublisher publisher = new LocalAlertPublisher(dir.resolve("alerts.log"),
                    new PrintStream(console, true, StandardCharsets.UTF_8), Optional.of(webhook), Clock.systemUTC());

            String id = publisher.publish(MESSAGE);

            assertThat(id).startsWith("local-");
            JsonNode logged = Json.mapper().readTree(Files.readAllLines(dir.resolve("alerts.log")).get(0));
            assertThat(logged.get("subject").asText()).isEqualTo(MESSAGE.subject());
            assertThat(logged.get("dedupe_id").asText()).isEqualTo(MESSAGE.dedupeId());
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("ALERT " + MESSAGE.subject());
            assertThat(posted).singleElement().satisfies(body -> assertThat(Json.mapper().readTree(body)
                    .get("text").asText()).startsWith(MESSAGE.subject()).contains("Budget team has reached 75%"));

            // a failed webhook post fails the publish, so the claim is retried after its lease
            status.set(500);
            assertThatThrownBy(() -> publisher.publish(MESSAGE)).hasMessageContaining("HTTP 500");
        } finally {
            slack.stop(0);
        }
    }

    @Test
    void withAnSnsEndpointAndTopicTheDemosAlertsGoToSns(@TempDir Path dir) throws Exception {
        try (AlertInbox inbox = new AlertInbox(MotoServer.shared())) {
            Map<String, String> env = Map.of("AWS_ENDPOINT_URL_SNS", MotoServer.shared().endpoint().toString(),
                    "ALERT_TOPIC_ARN", inbox.topicArn());
            try (LocalServer server = LocalServer.start(new Observatory.ServeOptions(dir, true, 0, Optional.empty(),
                    Optional.empty(), true), env, new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8), Clock.systemUTC())) {
                List<JsonNode> messages = inbox.drain();
                assertThat(messages).isNotEmpty();
                assertThat(messages).extracting(m -> AlertInbox.attribute(m, "budget")).contains("research-opus");
                assertThat(Files.exists(dir.resolve("alerts.log"))).isFalse();
                assertThat(server.url().getHost()).isEqualTo("127.0.0.1");
            }
        }
    }
}
