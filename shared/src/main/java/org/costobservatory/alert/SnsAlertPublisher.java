package org.costobservatory.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.costobservatory.json.Json;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes alerts to an SNS topic with one body per protocol ({@code MessageStructure=json}): plain text for e-mail
 * (and anything without its own key), the AWS Chatbot custom-notification JSON for the https subscription Chatbot
 * uses for Slack. Message attributes carry budget, threshold and severity for subscription filter policies.
 */
public final class SnsAlertPublisher implements AlertPublisher {
    private final SnsClient sns;
    private final String topicArn;

    public SnsAlertPublisher(SnsClient sns, String topicArn) {
        this.sns = Objects.requireNonNull(sns);
        this.topicArn = Objects.requireNonNull(topicArn);
    }

    @Override
    public String publish(AlertMessage message) {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("default", message.text());
        bodies.put("email", message.text());
        bodies.put("https", message.chatbotJson());
        String structured;
        try {
            structured = Json.mapper().writeValueAsString(bodies);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the SNS message", e);
        }
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        message.attributes().forEach((name, value) -> attributes.put(name, MessageAttributeValue.builder()
                .dataType("threshold".equals(name) ? "Number" : "String").stringValue(value).build()));
        return sns.publish(b -> b.topicArn(topicArn).subject(message.subject()).messageStructure("json")
                .message(structured).messageAttributes(attributes)).messageId();
    }
}
