package org.costobservatory.store;

import java.math.BigDecimal;

/**
 * List-price cost of one model's usage in one hour within a scope, in cents.
 *
 * @param cents         all usage of the hour, every service tier
 * @param priorityCents the Priority Tier part of {@code cents}, which the cost report never contains
 * @param unpriced      the model had no price and was counted at the most expensive known model's price
 */
public record HourSpend(BigDecimal cents, BigDecimal priorityCents, boolean unpriced) {
    public static final HourSpend ZERO = new HourSpend(BigDecimal.ZERO, BigDecimal.ZERO, false);

    public HourSpend plus(HourSpend other) {
        return new HourSpend(cents.add(other.cents), priorityCents.add(other.priorityCents),
                unpriced || other.unpriced);
    }
}
