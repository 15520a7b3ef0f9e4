package org.costobservatory.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.store.NoticeStore;
import org.costobservatory.store.dynamodb.DynamoDbNoticeStore;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.MotoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Notices go out at most once per key: DynamoDB Local for the claims, moto_server SNS→SQS to count deliveries. */
class OnceNoticesTest {
    private static final Duration LEASE = Duration.ofMinutes(5);

    private final MutableClock clock = MutableClock.at("2026-11-24T10:30:00Z");
    private AlertInbox inbox;
    private NoticeStore store;
    private OnceNotices notices;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        store = new DynamoDbNoticeStore(local.client(), local.newTable());
        inbox = new AlertInbox(MotoServer.shared());
        notices = new OnceNotices(store, inbox.publisher(), clock, LEASE);
    }

    @AfterEach
    void tearDown() {
        inbox.close();
    }

    private static AlertMessage drift(String day) {
        return AlertMessage.notice("drift", null, "warning", "[Cost Observatory] estimate drift on " + day,
                "Provisional spend was 7% off the bill.", "{}", "drift/" + day);
    }

    @Test
    void aNoticeIsDeliveredOnceWithItsKindAsAnAttribute() {
        assertThat(notices.send("drift#2026-11-20", () -> drift("2026-11-20"))).isTrue();
        assertThat(notices.send("drift#2026-11-20", () -> drift("2026-11-20"))).isFalse();
        assertThat(notices.send("drift#2026-11-21", () -> drift("2026-11-21"))).isTrue();

        List<JsonNode> delivered = inbox.drain();
        assertThat(delivered).extracting(envelope -> envelope.path("Subject").asText())
                .containsExactlyInAnyOrder("[Cost Observatory] estimate drift on 2026-11-20",
                        "[Cost Observatory] estimate drift on 2026-11-21");
        assertThat(AlertInbox.attributes(delivered.get(0))).containsEntry("kind", "drift")
                .containsEntry("severity", "warning").doesNotContainKey("budget");
        assertThat(store.get("drift#2026-11-20").orElseThrow().sent()).isTrue();
        assertThat(store.list("drift#")).hasSize(2);
    }

    @Test
    void aFailedPublishIsRetriedOnlyAfterItsLeaseExpires() {
        OnceNotices failing = new OnceNotices(store, message -> {
            throw new IllegalStateException("SNS is down");
        }, clock, LEASE);
        assertThatThrownBy(() -> failing.send("drift#2026-11-20", () -> drift("2026-11-20")))
                .hasMessageContaining("SNS is down");

        assertThat(notices.send("drift#2026-11-20", () -> drift("2026-11-20"))).as("claim still leased").isFalse();
        clock.advance(LEASE.plusSeconds(1));
        assertThat(notices.send("drift#2026-11-20", () -> drift("2026-11-20"))).isTrue();
        assertThat(inbox.drain()).hasSize(1);
    }

    @Test
    void manyConcurrentSendersDeliverExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Callable<Boolean>> senders = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                senders.add(() -> notices.send("anomaly#workspace:w1#2026-11-20", () -> drift("2026-11-20")));
            }
            int sent = 0;
            for (Future<Boolean> result : pool.invokeAll(senders)) {
                sent += result.get() ? 1 : 0;
            }
            assertThat(sent).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(inbox.drain()).hasSize(1);
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-24T10:30:00Z"));
    }
}
