package org.costobservatory.alert;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * One alert in every form it is delivered in.
 *
 * @param threshold      the highest threshold crossed, which the message names
 * @param allThresholds  every threshold this message records (several can be crossed at once)
 * @param severity       info, warning or critical; a message attribute for subscription filter policies
 * @param subject        e-mail subject (under 100 characters, as SNS requires)
 * @param text           plain-text body for e-mail
 * @param chatbotJson    AWS Chatbot custom-notification JSON for Slack
 * @param dedupeId       budget/period/threshold, stable across a retried publish
 * @param attributes     SNS message attributes (string values)
 */
public record AlertMessage(String budget, BigDecimal threshold, List<BigDecimal> allThresholds, String severity,
                           String subject, String text, String chatbotJson, String dedupeId,
                           Map<String, String> attributes) {
    public AlertMessage {
        allThresholds = List.copyOf(allThresholds);
        attributes = Map.copyOf(attributes);
    }
}
