package org.costobservatory.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.costobservatory.budget.Forecast;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.domain.Money;
import org.costobservatory.json.Json;
import org.costobservatory.store.Anomaly;

/** The subject, e-mail text and Slack (AWS Chatbot) JSON of the notices that are not threshold alerts. */
public final class NoticeMessages {
    public static final String FORECAST = "forecast";
    public static final String ANOMALY = "anomaly";
    private static final int MAX_SUBJECT = 99;
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private NoticeMessages() {
    }

    /** The notice key of a budget period's forecast warning: one per (budget, period), ever. */
    public static String forecastKey(HeadroomAnswer answer) {
        return FORECAST + "#" + answer.budget().name() + "#" + answer.period().key();
    }

    /** The notice key of an anomaly: one per (scope, day), ever. */
    public static String anomalyKey(Anomaly anomaly) {
        return ANOMALY + "#" + anomaly.date() + "#" + anomaly.scopeText();
    }

    /** "At this rate team-agents runs out on the 24th": the forecast reaches the limit while spend is below it. */
    public static AlertMessage forecast(HeadroomAnswer answer) {
        Forecast forecast = answer.forecast();
        String name = answer.budget().name();
        String limit = Money.format(answer.budget().limitUsd());
        String predicted = Money.format(forecast.forecastUsd().orElseThrow());
        String when = forecast.exhaustedAt().map(at -> LOCAL_TIME.format(at.atZone(answer.budget().timeZone())))
                .orElse("the end of the period");
        String whenDay = forecast.exhaustedAt().map(at -> at.atZone(answer.budget().timeZone()).toLocalDate()
                .toString()).orElse(answer.period().end().toLocalDate().toString());
        String subject = subject("[Cost Observatory] " + name + " forecast " + predicted + " of " + limit
                + " \u2014 runs out " + whenDay);
        String interval = Money.format(forecast.lowUsd().orElseThrow()) + " to "
                + Money.format(forecast.highUsd().orElseThrow());
        String method = switch (forecast.method()) {
            case Forecast.WEEKLY_TREND -> "weekday rhythm and recent trend of " + forecast.historyDays()
                    + " complete days";
            case Forecast.LAST_WEEK -> "mean of the last 7 complete days (under two weeks of history)";
            default -> "run rate of the period so far (under a week of history)";
        };
        String zone = answer.budget().timeZone().getId();
        String text = "At its current pace, budget " + name + " will reach its " + answer.budget().period().id()
                + " limit before the period ends.\n\n"
                + "Forecast:     " + predicted + " of " + limit + " at the end of the period (80 % interval "
                + interval + ")\n"
                + "Runs out:     " + when + " (" + zone + ")\n"
                + "Spent so far: " + Money.format(answer.spentUsd()) + " (" + answer.percentUsed().toPlainString()
                + "%)\n"
                + "Method:       " + method + "\n"
                + "Period:       " + answer.period().startText() + " to " + answer.period().endText() + " (" + zone
                + ")\n"
                + "Scope:        " + answer.budget().scope().describe() + "\n"
                + "Data as of:   " + answer.dataAsOf().map(Instant::toString).orElse("no usage stored yet") + "\n\n"
                + "This notice is sent once per period. Turn it off for this budget with \"forecast_alert\": false.\n";
        String dedupe = name + "/" + answer.period().key() + "/forecast";
        String chatbot = chatbot(dedupe, ":crystal_ball: Budget *" + name + "* runs out " + whenDay,
                "*Forecast:* " + predicted + " of " + limit + " (80 % interval " + interval + ")\n*Runs out:* "
                        + when + " (" + zone + ")\n*Spent so far:* " + Money.format(answer.spentUsd()) + " ("
                        + answer.percentUsed().toPlainString() + "%)\n*Method:* " + method + "\n*Scope:* "
                        + answer.budget().scope().describe(),
                "cost-observatory-" + name + "-" + answer.period().key(), "Budget " + name + " forecast",
                "CostObservatoryForecast", Map.of("budget", name, "kind", FORECAST), name, "warning");
        return AlertMessage.notice(FORECAST, name, "warning", subject, text, chatbot, dedupe);
    }

    /** "Yesterday cost 3× the usual because the cache stopped hitting": one anomalous (scope, day). */
    public static AlertMessage anomaly(Anomaly anomaly, BigDecimal floorUsd) {
        String what = label(anomaly);
        String spent = Money.format(Money.centsToUsd(anomaly.spentCents()));
        String baseline = Money.format(Money.centsToUsd(anomaly.baselineCents()));
        String ratio = ratio(anomaly);
        String subject = subject("[Cost Observatory] " + what + " spent " + spent + " on " + anomaly.date() + " ("
                + ratio + " its usual)");
        StringBuilder reasons = new StringBuilder();
        for (Anomaly.Reason reason : anomaly.reasons()) {
            reasons.append("  - ").append(reason.text()).append('\n');
        }
        String text = what + " spent " + spent + " on " + anomaly.date() + " (UTC), " + ratio + " its mean of "
                + baseline + " a day over the 7 days before.\n\nWhy, from the stored breakdown:\n" + reasons
                + "\nAn anomaly is a settled day above twice the trailing 7-day mean and above "
                + Money.format(floorUsd) + ". This notice is sent once per scope and day.\n";
        String dedupe = anomaly.date() + "/" + anomaly.scopeText();
        StringBuilder slack = new StringBuilder("*Spent:* " + spent + " (" + ratio + " the 7-day mean of "
                + baseline + ")\n*Why:*");
        anomaly.reasons().forEach(reason -> slack.append("\n\u2022 ").append(reason.text()));
        String chatbot = chatbot(dedupe, ":chart_with_upwards_trend: " + what + " on " + anomaly.date() + ": "
                        + ratio + " its usual", slack.toString(), "cost-observatory-anomaly-" + anomaly.date(),
                "Spend anomaly " + anomaly.date(), "CostObservatoryAnomaly",
                Map.of("scope", anomaly.scopeText(), "date", anomaly.date().toString(), "kind", ANOMALY),
                anomaly.kind(), "warning");
        return AlertMessage.notice(ANOMALY, null, "warning", subject, text, chatbot, dedupe);
    }

    /** "Workspace Research Agents", "API key apikey_01...", "Model claude-opus-4-6". */
    public static String label(Anomaly anomaly) {
        return switch (anomaly.kind()) {
            case Anomaly.WORKSPACE -> "Workspace " + anomaly.name();
            case Anomaly.API_KEY -> "API key " + anomaly.name();
            default -> "Model " + anomaly.name();
        };
    }

    /** "3.1×", or "new" when nothing was spent in the days before. */
    public static String ratio(Anomaly anomaly) {
        if (anomaly.baselineCents().signum() == 0) {
            return "new:";
        }
        return anomaly.spentCents().divide(anomaly.baselineCents(), 1, RoundingMode.HALF_UP).toPlainString()
                + "\u00d7";
    }

    private static String subject(String text) {
        return text.length() > MAX_SUBJECT ? text.substring(0, MAX_SUBJECT - 1) + "\u2026" : text;
    }

    private static String chatbot(String id, String title, String description, String threadId, String summary,
                                  String eventType, Map<String, String> context, String keyword, String severity) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", "1.0");
        root.put("source", "custom");
        root.put("id", id);
        ObjectNode content = root.putObject("content");
        content.put("textType", "client-markdown");
        content.put("title", title);
        content.put("description", description);
        content.putArray("keywords").add("cost-observatory").add(keyword).add(severity);
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("threadId", threadId);
        metadata.put("summary", summary);
        metadata.put("eventType", eventType);
        ObjectNode additional = metadata.putObject("additionalContext");
        new java.util.TreeMap<>(context).forEach(additional::put);
        try {
            return Json.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the Chatbot notification", e);
        }
    }

    /** How much of the period the stored data covers, from 0 to 1. */
    static double covered(HeadroomAnswer answer) {
        Instant start = answer.period().startInstant();
        Instant end = answer.period().endInstant();
        Instant asOf = answer.dataAsOf().orElse(start);
        long total = Duration.between(start, end).getSeconds();
        long done = Math.max(0, Math.min(total, Duration.between(start, asOf).getSeconds()));
        return total == 0 ? 1 : done / (double) total;
    }
}
