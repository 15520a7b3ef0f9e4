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

    /**
     * A cost ordering for "the most expensive model": output price first, then input, then the cache rates, so that
     * models with the same input and output price (Fable 5 and 5.1) still have an order.
     */
    int compareCost(TokenRates other) {
        int compared = output.compareTo(other.output);
        if (compared == 0) {
            compared = input.compareTo(other.input);
        }
        if (compared == 0) {
            compared = cacheWrite1h.compareTo(other.cacheWrite1h);
        }
        if (compared == 0) {
            compared = cacheWrite5m.compareTo(other.cacheWrite5m);
        }
        return compared != 0 ? compared : cacheRead.compareTo(other.cacheRead);
    }
}
