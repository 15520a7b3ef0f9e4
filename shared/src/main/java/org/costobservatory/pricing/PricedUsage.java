package org.costobservatory.pricing;

import java.math.BigDecimal;

/**
 * The list-price cost of one usage line, in cents (exact, not rounded).
 *
 * @param cents     everything: tokens at the tier's price plus web search
 * @param pricedAs  the price-table model used
 * @param unpriced  true when the model is not in the table and was priced as the most expensive known model
 */
public record PricedUsage(BigDecimal cents, String pricedAs, boolean unpriced) {
}
