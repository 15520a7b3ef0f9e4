package org.costobservatory.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/** USD per million tokens for each token kind the usage report counts. */
public record TokenRates(BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h,
                         BigDecimal cacheRead) {
    public TokenRates {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cacheWrite5m, "cache_write_5m");
        Objects.requireNonNull(cacheWrite1h, "cache_write_1h");
        Objects.requireNonNull(cacheRead, "cache_read");
    }

    /** A cost ordering for "the most expensive model": output price first, then input. */
    int compareCost(TokenRates other) {
        int byOutput = output.compareTo(other.output);
        return byOutput != 0 ? byOutput : input.compareTo(other.input);
    }
}
