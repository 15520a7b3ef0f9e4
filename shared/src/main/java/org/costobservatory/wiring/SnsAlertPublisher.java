package org.costobservatory.wiring;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.costobservatory.alert.AlertMessage;
import org.costobservatory.alert.AlertPublisher;
import org.costobservatory.json.Json;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Publishes alerts to an SNS topic with one body per protocol ({@code MessageStructure=json}): plain text for e-mail
 * (and anything without its own key), the AWS Chatbot custom-notification JSON for the https subscription Chatbot
 * uses for Slack. Message attributes carry budget, threshold and severity for subscription filter policies.
 *
 * <p>{@code Publish} is sent in SNS's query protocol (a form-encoded POST, an XML answer) through
 * {@link SignedAwsCalls}: the SDK's SNS client would add 1.2 MB to every function's package for this one call.
 * The endpoint is {@code AWS_ENDPOINT_URL_SNS} when set.
 */
public final class SnsAlertPublisher implements AlertPublisher {
    private static final Map<String, String> HEADERS = Map.of("Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8");

    private final SignedAwsCalls sns;
    private final String topicArn;

    SnsAlertPublisher(SignedAwsCalls sns, String topicArn) {
        this.sns = Objects.requireNonNull(sns);
        this.topicArn = Objects.requireNonNull(topicArn);
    }

    /** To {@code topicArn}, in {@code AWS_REGION} (else the SDK's region chain) or at {@code AWS_ENDPOINT_URL_SNS}. */
    public static SnsAlertPublisher fromEnvironment(Map<String, String> env, String topicArn) {
        return new SnsAlertPublisher(SignedAwsCalls.fromEnvironment("sns", env), topicArn);
    }

    /**
     * @return the message id SNS gave the message
     * @throws IllegalStateException naming SNS's error code and message when the message was not accepted
     */
    @Override
    public String publish(AlertMessage message) {
        SignedAwsCalls.Answer response = sns.post("Publish", HEADERS, form(message),
                answer -> SignedAwsCalls.transientFailure(answer, element(answer, "Code").orElse("")));
        if (response.status() == 200) {
            return element(response, "MessageId").orElseThrow(() -> new IllegalStateException(
                    "SNS Publish answered HTTP 200 without a MessageId"));
        }
        throw new IllegalStateException("SNS Publish answered HTTP " + response.status() + " "
                + element(response, "Code").orElse("UnknownError") + ": " + element(response, "Message").orElse(""));
    }

    /** The form SNS's query protocol takes, as the SDK's SNS client would send it. */
    byte[] form(AlertMessage message) {
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
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Action", "Publish");
        fields.put("Version", "2010-03-31");
        fields.put("TopicArn", topicArn);
        fields.put("Subject", message.subject());
        fields.put("MessageStructure", "json");
        fields.put("Message", structured);
        int entry = 0;
        for (Map.Entry<String, String> attribute : message.attributes().entrySet()) {
            String prefix = "MessageAttributes.entry." + ++entry + ".";
            fields.put(prefix + "Name", attribute.getKey());
            fields.put(prefix + "Value.DataType", "threshold".equals(attribute.getKey()) ? "Number" : "String");
            fields.put(prefix + "Value.StringValue", attribute.getValue());
        }
        StringBuilder form = new StringBuilder();
        fields.forEach((name, value) -> form.append(form.isEmpty() ? "" : "&").append(encode(name)).append('=')
                .append(encode(value)));
        return form.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The text of the first element of that name in an XML answer; empty when there is none or it is not XML. */
    private static Optional<String> element(SignedAwsCalls.Answer answer, String name) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(answer.body()));
            NodeList found = document.getElementsByTagName(name);
            return found.getLength() == 0 ? Optional.empty() : Optional.of(found.item(0).getTextContent().strip());
        } catch (ParserConfigurationException | SAXException | IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "SnsAlertPublisher[" + sns + ", " + topicArn + "]";
    }
}
