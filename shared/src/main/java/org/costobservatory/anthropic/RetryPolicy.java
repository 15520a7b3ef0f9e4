package org.costobservatory.anthropic;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How hard the client tries before giving up, and how long it waits in between. Back-off is capped exponential with
 * full jitter: retry {@code n} waits a uniformly random time in {@code [0, min(maxDelay, baseDelay * 2^(n-1)))}, unless
 * the server said how long to wait ({@code retry-after}), which always wins. The caller's deadline bounds everything.
 *
 * @param maxAttempts    HTTP requests per API call, first attempt included
 * @param baseDelay      back-off ceiling before the first retry
 * @param maxDelay       largest back-off ceiling
 * @param maxPages       pages one pull may fetch before it is treated as a pagination loop
 * @param requestTimeout longest a single request (connect, headers and body) may take; shortened to the time left
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, int maxPages,
                          Duration requestTimeout) {

    /** Five attempts, 1 s doubling to 30 s, 500 pages, 30 s per request. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), 500, Duration.ofSeconds(30));

    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (baseDelay.isNegative() || baseDelay.isZero()) {
            throw new IllegalArgumentException("baseDelay must be positive, got " + baseDelay);
        }
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than baseDelay " + baseDelay);
        }
        if (maxPages < 1) {
            throw new IllegalArgumentException("maxPages must be at least 1, got " + maxPages);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
    }

    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    public RetryPolicy withMaxAttempts(int value) {
        return new RetryPolicy(value, baseDelay, maxDelay, maxPages, requestTimeout);
    }

    public RetryPolicy withDelays(Duration base, Duration max) {
        return new RetryPolicy(maxAttempts, base, max, maxPages, requestTimeout);
    }

    public RetryPolicy withMaxPages(int value) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, value, requestTimeout);
    }

    public RetryPolicy withRequestTimeout(Duration value) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, maxPages, value);
    }

    /** The largest back-off before retry {@code retry} (1 = the first retry): {@code min(maxDelay, base * 2^(retry-1))}. */
    public Duration backoffCeiling(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1, got " + retry);
        }
        long max = maxDelay.toNanos();
        long base = baseDelay.toNanos();
        int shift = retry - 1;
        // Shifting base left must not overflow; anything that would is past the cap anyway.
        if (shift >= Long.SIZE - 1 || base > (max >> shift)) {
            return maxDelay;
        }
        return Duration.ofNanos(Math.min(max, base << shift));
    }

    /**
     * Full-jitter back-off before retry {@code retry}: {@code unitRandom} (uniform in [0, 1)) times the ceiling.
     * Pure, so it is tested with fixed random values.
     */
    public Duration backoff(int retry, double unitRandom) {
        if (!(unitRandom >= 0.0 && unitRandom < 1.0)) {
            throw new IllegalArgumentException("unitRandom must be in [0, 1), got " + unitRandom);
        }
        long ceiling = backoffCeiling(retry).toNanos();
        return Duration.ofNanos((long) (ceiling * unitRandom));
    }

    /** The wait before retry {@code retry}: what the server asked for if it said, else the jittered back-off. */
    public Duration delay(int retry, Optional<Duration> serverHint, double unitRandom) {
        return serverHint.orElseGet(() -> backoff(retry, unitRandom));
    }
}
