package org.costobservatory.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Bookkeeping that makes each (budget, period, threshold) alert go out at most once. */
public interface AlertStore {

    /** Records of one budget period (consistent read). */
    List<AlertRecord> period(String budget, String periodKey);

    /**
     * Claims every threshold in {@code claims} at once: each must be unclaimed, or claimed with an expired lease.
     * All or nothing.
     *
     * @return true when this caller now holds every claim
     */
    boolean claim(List<AlertRecord> claims, Instant now);

    /** Marks the claimed records sent, provided {@code owner} still holds them. */
    void markSent(List<AlertRecord> claimed, String owner, String messageId, String subject, Instant sentAt);

    /** Sent (and pending) records, newest first; all budgets when {@code budget} is empty. */
    List<AlertRecord> list(Optional<String> budget);
}
