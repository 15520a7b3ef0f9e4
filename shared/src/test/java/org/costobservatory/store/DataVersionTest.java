package org.costobservatory.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A write counts as in flight for the longest a write can last (the Lambda timeout), and not a moment longer. */
class DataVersionTest {
    private static final Instant STARTED = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void aWriteIsInFlightUntilTheLongestWriteHasPassed() {
        DataVersion version = new DataVersion(7, Map.of("usage#run-1", STARTED));

        assertThat(version.writing(STARTED)).isTrue();
        assertThat(version.writing(STARTED.plus(DataVersion.LONGEST_WRITE).minusMillis(1))).isTrue();
        assertThat(version.writing(STARTED.plus(DataVersion.LONGEST_WRITE))).isFalse();
        assertThat(version.writing(STARTED.minusSeconds(5))).as("a writer's clock a little ahead of ours").isTrue();
        assertThat(new DataVersion(7, Map.of()).writing(STARTED)).isFalse();
    }
}
