package org.costobservatory.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Bookkeeping that makes a notice (a drift notice, an anomaly, a forecast warning, a budget change, ...) go out at
 * most once, keyed by what it is about, e.g. {@code drift#2026-11-20}. The same claim, lease and mark-sent protocol
 * as threshold alerts.
 */
public interface NoticeStore {

    /** A notice's record: claimed (by {@code owner}, until {@code leaseUntil}) or sent. */
    record Notice(String key, String kind, String state, String owner, Instant leaseUntil, Instant claimedAt,
                  Optional<Instant> sentAt, Optional<String> messageId, Optional<String> subject) {
        public static final String CLAIMED = "claimed";
        public static final String SENT = "sent";

        public boolean sent() {
            return SENT.equals(state);
        }
    }

    /**
     * Claims {@code key}: it must be new, or claimed with an expired lease (a publisher that crashed).
     *
     * @return true when this caller now holds the claim
     */
    boolean claim(String key, String kind, String owner, Instant leaseUntil, Instant now);

    /** Marks the notice sent, provided {@code owner} still holds the claim. */
    void markSent(String key, String owner, String messageId, String subject, Instant sentAt);

    Optional<Notice> get(String key);

    /** Notices whose key starts with {@code prefix}, in key order. */
    List<Notice> list(String prefix);
}
