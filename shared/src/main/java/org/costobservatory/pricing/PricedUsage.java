package org.costobservatory.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The cost of one usage line, in cents (exact, not rounded).
 *
 * @param cents         at list price: tokens at the tier's list price plus web search
 * @param pricedAs      the price-table model used for the list price
 * @param unpriced      true when the table has no list price for the model on that date, so it was priced as
 *                      {@code pricedAs}: the most expensive current model of its family, else of any family
 * @param estimateCents the provisional estimate: at the price learned from the bill where there is one
 *                      ({@code basis} calibrated), else the same as {@code cents}
 * @param basis         what {@code estimateCents} rests on
 */
public record PricedUsage(BigDecimal cents, String pricedAs, boolean unpriced, BigDecimal estimateCents,
                          PriceBasis basis) {

    public PricedUsage {
        Objects.requireNonNull(cents, "cents");
        Objects.requireNonNull(estimateCents, "estimateCents");
        Objects.requireNonNull(basis, "basis");
    }

    /** At list price only (no calibration). */
    public PricedUsage(BigDecimal cents, String pricedAs, boolean unpriced) {
        this(cents, pricedAs, unpriced, cents, unpriced ? PriceBasis.UNPRICED : PriceBasis.LIST);
    }
}
