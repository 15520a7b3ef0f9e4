package org.costobservatory.alert;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * One alert or notice in every form it is delivered in.
 *
 * @param kind           {@code threshold} for budget threshold alerts; other notices name themselves (a drift notice,
 *                       an anomaly, ...); a message attribute for subscription filter policies
 * @param budget         the budget it is about, or {@code null} for notices about the organisation
 * @param threshold      the highest threshold crossed, which the message names ({@code null} for other notices)
 * @param allThresholds  every threshold this message records (several can be crossed at once)
 * @param severity       info, warning or critical; a message attribute for subscription filter policies
 * @param subject        e-mail subject (under 100 characters, as SNS requires)
 * @param text           plain-text body for e-mail
 * @param chatbotJson    AWS Chatbot custom-notification JSON for Slack
 * @param dedupeId       budget/period/threshold, stable across a retried publish
 * @param attributes     SNS message attributes (string values)
 */
public record AlertMessage(String kind, String budget, BigDecimal threshold, List<BigDecimal> allThresholds,
                           String severity, String subject, String text, String chatbotJson, String dedupeId,
                           Map<String, String> attributes) {
    public static final String THRESHOLD = "threshold";

    public AlertMessage {
        allThresholds = List.copyOf(allThresholds);
        attributes = Map.copyOf(attributes);
    }

    /** A budget threshold alert. */
    public AlertMessage(String budget, BigDecimal threshold, List<BigDecimal> allThresholds, String severity,
                        String subject, String text, String chatbotJson, String dedupeId,
                        Map<String, String> attributes) {
        this(THRESHOLD, budget, threshold, allThresholds, severity, subject, text, chatbotJson, dedupeId, attributes);
    }

    /**
     * Any other notice sent once through the alert topic (see {@link OnceNotices}). Its {@code kind} and
     * {@code severity} are message attributes, as is {@code budget} when it is about one.
     */
    public static AlertMessage notice(String kind, String budget, String severity, String subject, String text,
                                      String chatbotJson, String dedupeId) {
        Map<String, String> attributes = new java.util.LinkedHashMap<>();
        attributes.put("kind", kind);
        attributes.put("severity", severity);
        if (budget != null) {
            attributes.put("budget", budget);
        }
        return new AlertMessage(kind, budget, null, List.of(), severity, subject, text, chatbotJson, dedupeId,
                attributes);
    }
}
