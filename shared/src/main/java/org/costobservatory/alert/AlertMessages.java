package org.costobservatory.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.json.Json;

/** Builds the subject, e-mail text and Slack (AWS Chatbot) JSON of threshold alerts and reset notices. */
public final class AlertMessages {
    private static final int MAX_SUBJECT = 99;

    private AlertMessages() {
    }

    public static String percentText(BigDecimal percent) {
        return percent.stripTrailingZeros().toPlainString();
    }

    public static String severity(BigDecimal threshold, BigDecimal warnPercent) {
        if (threshold.compareTo(BigDecimal.valueOf(100)) >= 0) {
            return "critical";
        }
        return threshold.compareTo(warnPercent) >= 0 ? "warning" : "info";
    }

    public static AlertMessage build(HeadroomAnswer answer, List<BigDecimal> thresholds) {
        BigDecimal highest = thresholds.get(thresholds.size() - 1);
        String name = answer.budget().name();
        String period = answer.budget().period().id();
        LocalDate resets = answer.period().end().toLocalDate();
        String limit = Money.format(answer.budget().limitUsd());
        String spent = Money.format(answer.spentUsd());
        String severity = severity(highest, answer.budget().warnPercent());
        String dedupeId = name + "/" + answer.period().key() + "/" + percentText(highest);

        String subject = "[Cost Observatory] " + name + " at " + percentText(highest) + "% \u2014 " + spent + " of "
                + limit + " (" + period + ", resets " + resets + ")";
        if (subject.length() > MAX_SUBJECT) {
            subject = subject.substring(0, MAX_SUBJECT - 1) + "\u2026";
        }
        String crossed = thresholds.stream().map(t -> percentText(t) + "%").collect(Collectors.joining(", "));
        String settledThrough = answer.settledThrough().map(LocalDate::toString).orElse("none yet");
        String dataAsOf = answer.dataAsOf().map(Object::toString).orElse("no usage stored yet");
        StringBuilder text = new StringBuilder();
        text.append("Budget ").append(name).append(" has reached ").append(percentText(highest)).append("% of its ")
                .append(period).append(" limit.\n\n");
        text.append("Spent:        ").append(spent).append(" of ").append(limit).append(" (")
                .append(answer.percentUsed().toPlainString()).append("%)\n");
        text.append("  settled:     ").append(Money.format(answer.settledUsd()))
                .append(" (cost report through ").append(settledThrough).append(")\n");
        if (answer.priorityTierUsd().signum() != 0) {
            text.append("    of which Priority Tier at list price: ").append(Money.format(answer.priorityTierUsd()))
                    .append('\n');
        }
        text.append("  provisional: ").append(Money.format(answer.provisionalUsd()))
                .append(" (usage since then, at learned or list prices)\n");
        text.append("Crossed:      ").append(crossed).append('\n');
        text.append("Period:       ").append(answer.period().startText()).append(" to ")
                .append(answer.period().endText()).append(" (").append(answer.budget().timeZone().getId())
                .append("); resets ").append(resets).append('\n');
        text.append("Scope:        ").append(answer.budget().scope().describe()).append('\n');
        text.append("Data as of:   ").append(dataAsOf).append(answer.stale() ? " (stale)" : "").append('\n');
        if (!answer.unpricedModels().isEmpty()) {
            text.append("Unpriced models (no list price, nothing learned yet; counted at their family's dearest "
                    + "current model's price): ")
                    .append(String.join(", ", answer.unpricedModels())).append('\n');
        }
        text.append("\nThis alert is sent once per threshold per period.\n");

        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("budget", name);
        attributes.put("threshold", percentText(highest));
        attributes.put("severity", severity);
        attributes.put("period_start", answer.period().startText());
        attributes.put("dedupe_id", dedupeId);
        return new AlertMessage(name, highest, thresholds, severity, subject, text.toString(),
                chatbot(answer, highest, severity, dedupeId, spent, limit, crossed, resets, settledThrough, dataAsOf),
                dedupeId, attributes);
    }

    /**
     * The notice that a new period re-armed a budget that alerted in {@code previous} at {@code alerted} percent:
     * "[Cost Observatory] team-agents reset: $0.00 of $100.00 for December 2026".
     */
    public static AlertMessage reset(HeadroomAnswer answer, PeriodWindow previous, List<BigDecimal> alerted) {
        String name = answer.budget().name();
        String spent = Money.format(answer.spentUsd());
        String limit = Money.format(answer.budget().limitUsd());
        String label = periodLabel(answer.budget().period(), answer.period());
        String thresholds = alerted.stream().map(t -> percentText(t) + "%").collect(Collectors.joining(", "));
        String dedupeId = name + "/" + answer.period().key() + "/reset";
        String subject = "[Cost Observatory] " + name + " reset: " + spent + " of " + limit + " for " + label;
        if (subject.length() > MAX_SUBJECT) {
            subject = subject.substring(0, MAX_SUBJECT - 1) + "\u2026";
        }
        String text = "Budget " + name + " has started a new " + answer.budget().period().id() + " period ("
                + label + "); its alerts are armed again.\n\n"
                + "Spent:        " + spent + " of " + limit + " (" + answer.percentUsed().toPlainString() + "%)\n"
                + "Last period:  " + previous.startText() + " to " + previous.endText() + ", alerted at "
                + thresholds + "\n"
                + "Period:       " + answer.period().startText() + " to " + answer.period().endText() + " ("
                + answer.budget().timeZone().getId() + ")\n"
                + "Scope:        " + answer.budget().scope().describe() + "\n"
                + "\nThis notice is sent once per period, for budgets whose reset_notice is on (the default).\n";
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", "1.0");
        root.put("source", "custom");
        root.put("id", dedupeId);
        ObjectNode content = root.putObject("content");
        content.put("textType", "client-markdown");
        content.put("title", ":arrows_counterclockwise: Budget *" + name + "* reset: " + spent + " of " + limit
                + " for " + label);
        content.put("description", "*Last period* alerted at " + thresholds + ".\n*Scope:* "
                + answer.budget().scope().describe());
        content.putArray("keywords").add("cost-observatory").add(name).add(ResetNotices.KIND);
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("threadId", "cost-observatory-" + name + "-" + answer.period().key());
        metadata.put("summary", "Budget " + name + " reset");
        metadata.put("eventType", "CostObservatoryBudgetReset");
        try {
            return AlertMessage.notice(ResetNotices.KIND, name, "info", subject, text,
                    Json.mapper().writeValueAsString(root), dedupeId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the Chatbot notification", e);
        }
    }

    /** "December 2026", "the week of 2026-11-30", "2026-12-01". */
    static String periodLabel(BudgetPeriod type, PeriodWindow period) {
        LocalDate start = period.start().toLocalDate();
        return switch (type) {
            case MONTHLY -> start.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + start.getYear();
            case WEEKLY -> "the week of " + start;
            case DAILY -> start.toString();
        };
    }

    private static String chatbot(HeadroomAnswer answer, BigDecimal highest, String severity, String dedupeId,
                                  String spent, String limit, String crossed, LocalDate resets,
                                  String settledThrough, String dataAsOf) {
        String name = answer.budget().name();
        String emoji = "critical".equals(severity) ? ":rotating_light:" : ":warning:";
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", "1.0");
        root.put("source", "custom");
        root.put("id", dedupeId);
        ObjectNode content = root.putObject("content");
        content.put("textType", "client-markdown");
        content.put("title", emoji + " Budget *" + name + "* at " + percentText(highest) + "% of its "
                + answer.budget().period().id() + " limit");
        content.put("description", "*Spent:* " + spent + " of " + limit + " (" + answer.percentUsed().toPlainString()
                + "%)\n*Settled:* " + Money.format(answer.settledUsd()) + " (cost report through " + settledThrough
                + ")\n*Provisional:* " + Money.format(answer.provisionalUsd()) + " (usage at learned or list prices)\n"
                + "*Crossed:* " + crossed + "\n*Resets:* " + resets + "\n*Scope:* " + answer.budget().scope().describe()
                + "\n*Data as of:* " + dataAsOf);
        content.putArray("keywords").add("cost-observatory").add(name).add(severity);
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("threadId", "cost-observatory-" + name + "-" + answer.period().key());
        metadata.put("summary", "Budget " + name + " (" + answer.budget().period().id() + ")");
        metadata.put("eventType", "CostObservatoryBudgetThreshold");
        ObjectNode context = metadata.putObject("additionalContext");
        context.put("budget", name);
        context.put("threshold", percentText(highest));
        context.put("severity", severity);
        try {
            return Json.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the Chatbot notification", e);
        }
    }
}
