package org.costobservatory.alert;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.log.Log;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.AlertStore;

/**
 * Sends each (budget, period, threshold) at most once. The thresholds a budget has newly crossed are claimed together
 * with one conditional transaction before anything is published; whoever wins publishes one message naming the
 * highest and marks them all sent. A publisher that crashes after claiming leaves claims whose lease expires, so a
 * later evaluation takes over: at most one extra message, and only when a crash falls between publish and mark.
 */
public final class ThresholdAlerts implements AlertEvaluation {
    private static final Log LOG = Log.get(ThresholdAlerts.class);

    /** Far more than budgets × thresholds of a period; past it the memory starts again (and reads again). */
    private static final int MAX_KNOWN_SENT = 10_000;

    private final AlertStore store;
    private final AlertPublisher publisher;
    private final Clock clock;
    private final Duration lease;
    /**
     * (budget, period, threshold) this instance has seen sent. A sent alert stays sent (alert items are never deleted
     * or unmarked), so once every crossed threshold is here, reading the records again could only say the same.
     */
    private final Set<String> knownSent = ConcurrentHashMap.newKeySet();

    public ThresholdAlerts(AlertStore store, AlertPublisher publisher, Clock clock, Duration lease) {
        this.store = Objects.requireNonNull(store);
        this.publisher = Objects.requireNonNull(publisher);
        this.clock = Objects.requireNonNull(clock);
        this.lease = Objects.requireNonNull(lease);
    }

    /**
     * @return 1 when this call published a message, else 0
     * @throws RuntimeException when publishing failed (the claims stay until their lease expires)
     */
    @Override
    public int evaluate(HeadroomAnswer answer) {
        List<BigDecimal> crossed = answer.thresholdsCrossed();
        if (crossed.isEmpty()) {
            return 0;
        }
        String budget = answer.budget().name();
        String periodKey = answer.period().key();
        if (crossed.stream().allMatch(threshold -> knownSent.contains(sentKey(budget, periodKey, threshold)))) {
            return 0;
        }
        List<AlertRecord> records = store.period(budget, periodKey);
        List<BigDecimal> pending = new ArrayList<>();
        for (BigDecimal threshold : crossed) {
            boolean sent = records.stream().anyMatch(r -> r.sent() && r.thresholdPercent().compareTo(threshold) == 0);
            if (sent) {
                rememberSent(budget, periodKey, threshold);
            } else {
                pending.add(threshold);
            }
        }
        if (pending.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        String owner = UUID.randomUUID().toString();
        List<AlertRecord> claims = new ArrayList<>();
        for (BigDecimal threshold : pending) {
            claims.add(new AlertRecord(budget, periodKey, answer.period().startText(), answer.period().endText(),
                    answer.budget().timeZone().getId(), threshold, AlertRecord.CLAIMED, owner, now.plus(lease), now,
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(answer.spentUsd()),
                    Optional.of(answer.budget().limitUsd()), Optional.of(answer.percentUsed())));
        }
        if (!store.claim(claims, now)) {
            return 0;   // another evaluator holds at least one of them and will send
        }
        AlertMessage message = AlertMessages.build(answer, pending);
        String messageId = publisher.publish(message);
        store.markSent(claims, owner, messageId, message.subject(), clock.instant());
        LOG.info("budget threshold alert sent", "budget", budget, "threshold", message.threshold(),
                "thresholds", pending, "period_start", answer.period().startText(), "message_id", messageId);
        return 1;
    }

    private void rememberSent(String budget, String periodKey, BigDecimal threshold) {
        if (knownSent.size() >= MAX_KNOWN_SENT) {
            knownSent.clear();
        }
        knownSent.add(sentKey(budget, periodKey, threshold));
    }

    private static String sentKey(String budget, String periodKey, BigDecimal threshold) {
        return budget + "#" + periodKey + "#" + threshold.stripTrailingZeros().toPlainString();
    }
}
