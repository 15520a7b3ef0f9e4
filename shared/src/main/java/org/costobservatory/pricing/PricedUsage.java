package org.costobservatory.pricing;

import java.math.BigDecimal;

/**
 * The list-price cost of one usage line, in cents (exact, not rounded).
 *
 * @param cents     everything: tokens at the tier's price plus web search
 * @param pricedAs  the price-table model used
 * @param unpriced  true when the table has no list price for the model on that date, so it was priced as
 *                  {@code pricedAs}: the most expensive current model of its family, else of any family
 */
public record PricedUsage(BigDecimal cents, String pricedAs, boolean unpriced) {
}
