package org.costobservatory.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.costobservatory.domain.Money;
import org.costobservatory.ingest.AfterSettle;
import org.costobservatory.json.Json;
import org.costobservatory.log.EveryItem;
import org.costobservatory.log.Log;
import org.costobservatory.store.ProvisionalDay;
import org.costobservatory.store.ProvisionalStore;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.StoredCostDay;

/**
 * After a cost-report run: for each day it stored whose provisional figure was kept before it settled, a notice when
 * that figure was off the bill by at least {@code DRIFT_ALERT_PERCENT} % and at least $1, naming the models furthest
 * off and the likely cause. One notice per day, ever ({@link OnceNotices}, key {@code drift#<date>}); a day that was
 * never provisional (the first run's catch-up) gets none.
 */
public final class DriftNotices implements AfterSettle {
    public static final String KIND = "drift";
    private static final Log LOG = Log.get(DriftNotices.class);
    private static final int MAX_SUBJECT = 99;
    private static final int MODELS_SHOWN = 5;

    private final ProvisionalStore provisional;
    private final ReportStore reports;
    private final OnceNotices notices;
    private final BigDecimal percent;

    public DriftNotices(ProvisionalStore provisional, ReportStore reports, OnceNotices notices, BigDecimal percent) {
        this.provisional = Objects.requireNonNull(provisional);
        this.reports = Objects.requireNonNull(reports);
        this.notices = Objects.requireNonNull(notices);
        this.percent = Objects.requireNonNull(percent);
    }

    public static String key(LocalDate date) {
        return KIND + "#" + date;
    }

    @Override
    public int run(List<LocalDate> storedDays) {
        return EveryItem.sum(new TreeSet<>(storedDays), date -> check(date) ? 1 : 0,
                (date, e) -> LOG.error("could not send a drift notice; it will be retried", e, "date", date));
    }

    private boolean check(LocalDate date) {
        Optional<ProvisionalDay> figure = provisional.day(date).filter(ProvisionalDay::wasProvisional);
        if (figure.isEmpty()) {
            return false;
        }
        Optional<StoredCostDay> bill = reports.costDay(date);
        if (bill.isEmpty()) {
            return false;
        }
        DriftAnalysis drift = DriftAnalysis.of(figure.get(), bill.get().rows());
        if (!drift.notable(percent)) {
            return false;
        }
        return notices.send(key(date), () -> message(drift));
    }

    static AlertMessage message(DriftAnalysis drift) {
        String off = drift.driftPercent().map(p -> signed(p) + "%").orElse("nothing billed");
        String subject = "[Cost Observatory] " + drift.date() + ": provisional " + usd(drift.provisionalCents())
                + " vs bill " + usd(drift.billedCents()) + " (" + off + ")";
        if (subject.length() > MAX_SUBJECT) {
            subject = subject.substring(0, MAX_SUBJECT - 1) + "\u2026";
        }
        StringBuilder text = new StringBuilder();
        text.append("Provisional spend for ").append(drift.date()).append(" (what headroom counted before the day ")
                .append("settled) was ").append(usd(drift.provisionalCents())).append("; the cost report bills ")
                .append(usd(drift.billedCents())).append(": ").append(signedUsd(drift.driftCents())).append(" (")
                .append(off).append(").\n");
        text.append("At list price the same usage comes to ").append(usd(drift.listCents()))
                .append(". Priority Tier is left out of all three: the cost report has none of it.\n\n");
        text.append("Models furthest off:\n");
        StringBuilder slack = new StringBuilder();
        for (DriftAnalysis.ModelDrift model : drift.models().subList(0, Math.min(MODELS_SHOWN,
                drift.models().size()))) {
            text.append("  ").append(model.model()).append(": provisional ").append(usd(model.provisionalCents()))
                    .append(", billed ").append(usd(model.billedCents())).append(" (")
                    .append(signedUsd(model.driftCents())).append(") - ").append(model.cause()).append('\n');
            slack.append("\n*").append(model.model()).append("*: ").append(usd(model.provisionalCents()))
                    .append(" vs ").append(usd(model.billedCents())).append(" - ").append(model.cause());
        }
        text.append("\nSettled spend for the day is now the bill, and the prices learned from it apply to the hours "
                + "not settled yet.\nThis notice is sent once per settled day.\n");
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", "1.0");
        root.put("source", "custom");
        root.put("id", key(drift.date()));
        ObjectNode content = root.putObject("content");
        content.put("textType", "client-markdown");
        content.put("title", ":mag: Provisional spend for " + drift.date() + " was " + off + " off the bill");
        content.put("description", "*Provisional:* " + usd(drift.provisionalCents()) + "\n*Billed:* "
                + usd(drift.billedCents()) + "\n*At list price:* " + usd(drift.listCents()) + slack);
        content.putArray("keywords").add("cost-observatory").add(KIND);
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("threadId", "cost-observatory-drift");
        metadata.put("summary", "Drift on " + drift.date());
        metadata.put("eventType", "CostObservatoryDrift");
        String chatbot;
        try {
            chatbot = Json.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the Chatbot notification", e);
        }
        return AlertMessage.notice(KIND, null, "warning", subject, text.toString(), chatbot, key(drift.date()));
    }

    private static String usd(BigDecimal cents) {
        return Money.format(Money.centsToUsd(cents));
    }

    private static String signedUsd(BigDecimal cents) {
        return (cents.signum() > 0 ? "+" : "") + usd(cents);
    }

    private static String signed(BigDecimal percent) {
        return (percent.signum() > 0 ? "+" : "") + percent.setScale(2, java.math.RoundingMode.HALF_UP)
                .toPlainString().toLowerCase(Locale.ROOT);
    }
}
