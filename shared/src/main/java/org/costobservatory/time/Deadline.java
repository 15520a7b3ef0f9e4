package org.costobservatory.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The moment by which work must be done, usually the Lambda's remaining time minus a safety margin. Retries and
 * waits never go past it.
 */
public final class Deadline {
    private final Clock clock;
    private final Instant at;

    private Deadline(Clock clock, Instant at) {
        this.clock = Objects.requireNonNull(clock);
        this.at = Objects.requireNonNull(at);
    }

    public static Deadline at(Clock clock, Instant at) {
        return new Deadline(clock, at);
    }

    public static Deadline after(Clock clock, Duration budget) {
        return new Deadline(clock, clock.instant().plus(budget));
    }

    /** For work with no natural end (a CLI pull): a day is as good as forever. */
    public static Deadline none(Clock clock) {
        return after(clock, Duration.ofDays(1));
    }

    public Duration remaining() {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    public boolean expired() {
        return remaining().isZero();
    }

    public Instant instant() {
        return at;
    }

    public Clock clock() {
        return clock;
    }
}
