package org.costobservatory.pricing;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * The list price of one model from a date on. {@code longContext} applies to usage reported with context window
 * {@code 200k-1M} when the model charged a premium for it at that time.
 *
 * @param retired the model's retirement date (the first day requests to it failed), the same on every entry of the
 *                model; a retired model still prices its own historical usage
 * @param source  where the rates were read
 * @param note    what the sources disagree on, and which figure was picked
 */
public record ModelPrice(String model, LocalDate effectiveFrom, TokenRates standard, Optional<TokenRates> longContext,
                         Optional<LocalDate> retired, Optional<String> source, Optional<String> note) {
    public ModelPrice {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(effectiveFrom, "effective_from");
        Objects.requireNonNull(standard, "rates");
        longContext = longContext == null ? Optional.empty() : longContext;
        retired = retired == null ? Optional.empty() : retired;
        source = source == null ? Optional.empty() : source;
        note = note == null ? Optional.empty() : note;
    }

    public ModelPrice(String model, LocalDate effectiveFrom, TokenRates standard, Optional<TokenRates> longContext) {
        this(model, effectiveFrom, standard, longContext, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public TokenRates ratesFor(String contextWindow) {
        if ("200k-1M".equals(contextWindow)) {
            return longContext.orElse(standard);
        }
        return standard;
    }

    /** True from the retirement date on. */
    public boolean retiredOn(LocalDate date) {
        return retired.isPresent() && !date.isBefore(retired.get());
    }

    ModelPrice withRetired(Optional<LocalDate> retiredOn) {
        return new ModelPrice(model, effectiveFrom, standard, longContext, retiredOn, source, note);
    }
}
