package org.costobservatory.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.costobservatory.log.Log;
import org.costobservatory.store.NoticeStore;

/**
 * Sends a notice at most once per key through the alert topic, with the protocol threshold alerts use: claim the key
 * with a conditional write before anything is published, publish, mark it sent. A publisher that crashes after
 * claiming leaves a claim whose lease expires, so a later attempt takes over: at most one extra message, and only
 * when a crash falls between publishing and marking.
 */
public final class OnceNotices {
    private static final Log LOG = Log.get(OnceNotices.class);

    private final NoticeStore store;
    private final AlertPublisher publisher;
    private final Clock clock;
    private final Duration lease;

    public OnceNotices(NoticeStore store, AlertPublisher publisher, Clock clock, Duration lease) {
        this.store = Objects.requireNonNull(store);
        this.publisher = Objects.requireNonNull(publisher);
        this.clock = Objects.requireNonNull(clock);
        this.lease = Objects.requireNonNull(lease);
    }

    /**
     * @param key     what the notice is about, e.g. {@code drift#2026-11-20}; one message per key, ever
     * @param message built only when this call holds the claim
     * @return true when this call published it
     * @throws RuntimeException when publishing failed (the claim stays until its lease expires, then a retry sends)
     */
    public boolean send(String key, Supplier<AlertMessage> message) {
        if (store.get(key).filter(NoticeStore.Notice::sent).isPresent()) {
            return false;
        }
        Instant now = clock.instant();
        String owner = UUID.randomUUID().toString();
        AlertMessage built = message.get();
        if (!store.claim(key, built.kind(), owner, now.plus(lease), now)) {
            return false;   // sent already, or another publisher holds the claim and will send
        }
        String messageId = publisher.publish(built);
        store.markSent(key, owner, messageId, built.subject(), clock.instant());
        LOG.info("notice sent", "notice", key, "kind", built.kind(), "message_id", messageId);
        return true;
    }
}
