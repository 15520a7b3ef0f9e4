package org.costobservatory.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.Money;
import org.costobservatory.json.Json;
import org.costobservatory.store.BudgetChange;

/**
 * A notice through the alert topic when a budget is loosened: its limit raised, or the budget deleted. Sent once per
 * recorded change ({@link OnceNotices}), naming who made it. Tightening a budget sends nothing.
 */
@FunctionalInterface
public interface ChangeNotices {
    /** Review mode: nothing is claimed or sent. */
    ChangeNotices OFF = change -> false;

    String KIND = "budget_change";

    /** @return true when this call published a notice */
    boolean changed(BudgetChange change);

    static ChangeNotices through(OnceNotices notices) {
        return change -> change.loosens()
                && notices.send(KIND + "#" + change.budget() + "#" + change.id(), () -> message(change));
    }

    static AlertMessage message(BudgetChange change) {
        String name = change.budget();
        String what;
        if (change.after().isEmpty()) {
            what = "deleted";
        } else {
            what = "limit raised from " + Money.format(change.before().orElseThrow().limitUsd()) + " to "
                    + Money.format(change.after().get().limitUsd());
        }
        String subject = "[Cost Observatory] budget " + name + " " + what;
        if (subject.length() > 99) {
            subject = subject.substring(0, 98) + "\u2026";
        }
        StringBuilder text = new StringBuilder();
        text.append("Budget ").append(name).append(' ').append(what).append(".\n\n");
        text.append("Who:    ").append(change.who()).append('\n');
        text.append("When:   ").append(change.at()).append('\n');
        change.before().ifPresent(before -> text.append("Before: ").append(describe(before)).append('\n'));
        change.after().ifPresent(after -> text.append("After:  ").append(describe(after)).append('\n'));
        text.append("\nEvery change is recorded: GET /v1/budgets/").append(name).append("/history\n");

        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", "1.0");
        root.put("source", "custom");
        root.put("id", KIND + "/" + name + "/" + change.id());
        ObjectNode content = root.putObject("content");
        content.put("textType", "client-markdown");
        content.put("title", ":warning: Budget *" + name + "* " + what);
        content.put("description", "*Who:* " + change.who() + "\n*When:* " + change.at()
                + change.before().map(before -> "\n*Before:* " + describe(before)).orElse("")
                + change.after().map(after -> "\n*After:* " + describe(after)).orElse(""));
        content.putArray("keywords").add("cost-observatory").add(name).add(KIND);
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("summary", "Budget " + name + " " + what);
        metadata.put("eventType", "CostObservatoryBudgetChange");
        ObjectNode context = metadata.putObject("additionalContext");
        context.put("budget", name);
        context.put("who", change.who());
        String chatbot;
        try {
            chatbot = Json.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the Chatbot notification", e);
        }
        return AlertMessage.notice(KIND, name, "warning", subject, text.toString(), chatbot,
                KIND + "/" + name + "/" + change.id());
    }

    private static String describe(Budget budget) {
        return Money.format(budget.limitUsd()) + " " + budget.period().id() + " (" + budget.timeZone().getId()
                + "), scope " + budget.scope().describe();
    }
}
