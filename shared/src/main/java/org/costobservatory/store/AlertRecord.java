package org.costobservatory.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * One threshold of one budget period, as bookkept for at-most-once alerts.
 *
 * @param state      {@code claimed} while a publisher holds it, {@code sent} once published
 * @param leaseUntil a claim older than this may be taken over (its publisher crashed)
 * @param messageId  the SNS (or local) message that carried it
 */
public record AlertRecord(String budget, String periodKey, String periodStart, String periodEnd, String timeZone,
                          BigDecimal thresholdPercent, String state, String owner, Instant leaseUntil,
                          Instant claimedAt, Optional<Instant> sentAt, Optional<String> messageId,
                          Optional<String> subject, Optional<BigDecimal> spentUsd, Optional<BigDecimal> limitUsd,
                          Optional<BigDecimal> percentUsed) {
    public static final String CLAIMED = "claimed";
    public static final String SENT = "sent";

    public boolean sent() {
        return SENT.equals(state);
    }
}
