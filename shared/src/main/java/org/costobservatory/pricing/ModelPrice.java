package org.costobservatory.pricing;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * The list price of one model from a date on. {@code longContext} applies to usage reported with context window
 * {@code 200k-1M} when the model charged a premium for it at that time.
 */
public record ModelPrice(String model, LocalDate effectiveFrom, TokenRates standard, Optional<TokenRates> longContext) {
    public ModelPrice {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(effectiveFrom, "effective_from");
        Objects.requireNonNull(standard, "rates");
        longContext = longContext == null ? Optional.empty() : longContext;
    }

    public TokenRates ratesFor(String contextWindow) {
        if ("200k-1M".equals(contextWindow)) {
            return longContext.orElse(standard);
        }
        return standard;
    }
}
