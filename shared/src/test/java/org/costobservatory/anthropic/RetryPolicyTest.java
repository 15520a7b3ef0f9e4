package org.costobservatory.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final RetryPolicy POLICY = RetryPolicy.DEFAULT;
    private static final Instant NOW = Instant.parse("2026-08-14T02:30:00Z");

    @Test
    void defaultsAreFiveAttemptsOneSecondDoublingToThirtyAndFiveHundredPages() {
        // GIVEN / WHEN the defaults
        // THEN they match the documented settings
        assertThat(POLICY).isEqualTo(new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), 500,
                Duration.ofSeconds(30)));
    }

    @Test
    void theCeilingDoublesFromTheBaseUntilTheCap() {
        // GIVEN the default policy, WHEN the ceilings of retries 1..8 are computed
        // THEN they double from 1 s and stop at 30 s
        assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 8).stream().map(POLICY::backoffCeiling).toList()).containsExactly(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    @Test
    void hugeRetryNumbersStayAtTheCapWithoutOverflow() {
        // GIVEN retry numbers far past any shift width, THEN the cap, never a negative or wrapped value
        assertThat(POLICY.backoffCeiling(63)).isEqualTo(Duration.ofSeconds(30));
        assertThat(POLICY.backoffCeiling(64)).isEqualTo(Duration.ofSeconds(30));
        assertThat(POLICY.backoffCeiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fullJitterScalesTheCeilingByTheRandomDraw() {
        // GIVEN draws at the edges and the middle, THEN the wait is the draw times the ceiling
        assertThat(POLICY.backoff(3, 0.0)).isEqualTo(Duration.ZERO);
        assertThat(POLICY.backoff(3, 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(POLICY.backoff(3, 0.999_999)).isLessThan(Duration.ofSeconds(4))
                .isGreaterThan(Duration.ofMillis(3_999));
        assertThat(POLICY.backoff(10, 0.25)).isEqualTo(Duration.ofMillis(7_500));
    }

    @Test
    void aServerHintWinsOverBackoff() {
        // GIVEN the server asked for 7 s, THEN 7 s whatever the draw; without a hint, the jittered back-off
        assertThat(POLICY.delay(1, Optional.of(Duration.ofSeconds(7)), 0.9)).isEqualTo(Duration.ofSeconds(7));
        assertThat(POLICY.delay(2, Optional.empty(), 0.5)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void refusesNonsenseSettingsAndDraws() {
        // GIVEN settings that cannot work and draws outside [0, 1), WHEN used, THEN refused at once
        assertThatThrownBy(() -> POLICY.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> POLICY.withMaxPages(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> POLICY.withDelays(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> POLICY.withRequestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> POLICY.backoff(1, 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> POLICY.backoff(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> POLICY.backoffCeiling(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static HttpHeaders headers(Map<String, String> values) {
        return HttpHeaders.of(values.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                Map.Entry::getKey, entry -> List.of(entry.getValue()))), (name, value) -> true);
    }

    @Test
    void retryAfterIsReadAsSecondsFractionsMillisecondsOrAnHttpDate() {
        // GIVEN each documented form, THEN the wait it means
        assertThat(RetryAfter.from(headers(Map.of("retry-after", "2")), NOW)).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.from(headers(Map.of("retry-after", "1.234")), NOW)).contains(Duration.ofMillis(1234));
        assertThat(RetryAfter.from(headers(Map.of("retry-after-ms", "250.5")), NOW))
                .contains(Duration.ofMillis(250).plusNanos(500_000));
        assertThat(RetryAfter.from(headers(Map.of("retry-after", "Fri, 14 Aug 2026 02:30:45 GMT")), NOW))
                .contains(Duration.ofSeconds(45));
        assertThat(RetryAfter.from(headers(Map.of("retry-after-ms", "100", "retry-after", "9")), NOW))
                .contains(Duration.ofMillis(100));
    }

    @Test
    void unreadableOrPastRetryAfterValuesAreIgnoredOrMeanNow() {
        // GIVEN garbage, a negative number, an exponent and no header, THEN no server hint (back-off applies)
        assertThat(RetryAfter.from(headers(Map.of("retry-after", "soon")), NOW)).isEmpty();
        assertThat(RetryAfter.from(headers(Map.of("retry-after", "-5")), NOW)).isEmpty();
        assertThat(RetryAfter.from(headers(Map.of("retry-after", "1e3")), NOW)).isEmpty();
        assertThat(RetryAfter.from(headers(Map.of()), NOW)).isEmpty();
        // GIVEN a date in the past, THEN retry now; GIVEN an absurd number, THEN capped at a day
        assertThat(RetryAfter.from(headers(Map.of("retry-after", "Thu, 13 Aug 2026 00:00:00 GMT")), NOW))
                .contains(Duration.ZERO);
        assertThat(RetryAfter.from(headers(Map.of("retry-after", "99999999999999999999")), NOW))
                .contains(Duration.ofDays(1));
        // AND an unreadable retry-after-ms falls back to retry-after
        assertThat(RetryAfter.from(headers(Map.of("retry-after-ms", "x", "retry-after", "3")), NOW))
                .contains(Duration.ofSeconds(3));
    }
}
