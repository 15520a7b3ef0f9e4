package org.costobservatory.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.costobservatory.alert.AlertMessage;
import org.costobservatory.alert.AlertPublisher;
import org.costobservatory.json.Json;
import org.costobservatory.log.Secrets;

/**
 * Alerts without SNS: appended to the alert log ({@code alerts.log}, one JSON object per line), shown on the
 * console, and posted to a Slack incoming webhook when one is given. A failed webhook post fails the publish, so the
 * claim is retried after its lease like an SNS failure would be.
 */
final class LocalAlertPublisher implements AlertPublisher {
    private final Path alertLog;
    private final PrintStream console;
    private final Optional<URI> slackWebhook;
    private final HttpClient http;
    private final Clock clock;

    LocalAlertPublisher(Path alertLog, PrintStream console, Optional<URI> slackWebhook, Clock clock) {
        this.alertLog = alertLog;
        this.console = console;
        this.slackWebhook = slackWebhook;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        // The webhook URL is a credential: keep it out of every log line.
        slackWebhook.ifPresent(uri -> Secrets.register(uri.toString()));
    }

    @Override
    public String publish(AlertMessage message) {
        String id = "local-" + UUID.randomUUID();
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("id", id);
        line.put("at", clock.instant().toString());
        line.put("kind", message.kind());
        line.put("budget", message.budget());
        line.put("threshold", message.threshold());
        line.put("severity", message.severity());
        line.put("subject", message.subject());
        line.put("dedupe_id", message.dedupeId());
        line.put("text", message.text());
        line.put("chatbot", message.chatbotJson());
        try {
            PrivateFiles.file(alertLog);
            Files.writeString(alertLog, Json.mapper().writeValueAsString(line) + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the alert", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the alert log " + alertLog, e);
        }
        console.println();
        console.println("ALERT " + message.subject());
        console.println(message.text().indent(2));
        slackWebhook.ifPresent(uri -> postToSlack(uri, message));
        return id;
    }

    private void postToSlack(URI webhook, AlertMessage message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("text", message.subject() + "\n```" + message.text() + "```");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(10))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("the Slack webhook answered HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not reach the Slack webhook: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while posting to Slack", e);
        }
    }
}
