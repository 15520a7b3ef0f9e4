package org.costobservatory.store;

import java.math.BigDecimal;
import java.util.Objects;
import org.costobservatory.pricing.PriceBasis;

/**
 * The estimated cost of one model's usage in one hour within a scope, in cents: at the price learned from the bill
 * where there is one, else at list price.
 *
 * @param cents         all usage of the hour, every service tier
 * @param priorityCents the Priority Tier part of {@code cents} (always at list price), which the cost report never
 *                      contains
 * @param basis         the least certain price any of it rests on: calibrated, list, or unpriced (no list price and
 *                      nothing learned yet, so counted at the most expensive known model's price)
 */
public record HourSpend(BigDecimal cents, BigDecimal priorityCents, PriceBasis basis) {
    public static final HourSpend ZERO = new HourSpend(BigDecimal.ZERO, BigDecimal.ZERO, PriceBasis.LIST);

    public HourSpend {
        Objects.requireNonNull(cents, "cents");
        Objects.requireNonNull(priorityCents, "priorityCents");
        Objects.requireNonNull(basis, "basis");
    }

    /** At list price: unpriced when the model had no list price. */
    public HourSpend(BigDecimal cents, BigDecimal priorityCents, boolean unpriced) {
        this(cents, priorityCents, unpriced ? PriceBasis.UNPRICED : PriceBasis.LIST);
    }

    /** The model had no price and nothing learned, so it was counted at the most expensive known model's price. */
    public boolean unpriced() {
        return basis == PriceBasis.UNPRICED;
    }

    public HourSpend plus(HourSpend other) {
        return new HourSpend(cents.add(other.cents), priorityCents.add(other.priorityCents),
                basis.worse(other.basis));
    }

    /** Same figures and basis, whatever the scale of the decimals. */
    public boolean sameAs(HourSpend other) {
        return other != null && cents.compareTo(other.cents) == 0 && priorityCents.compareTo(other.priorityCents) == 0
                && basis == other.basis;
    }
}
