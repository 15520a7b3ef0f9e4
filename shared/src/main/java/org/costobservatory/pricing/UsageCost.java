package org.costobservatory.pricing;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import org.costobservatory.domain.Money;

/**
 * A usage line's cost by token kind, at list price and as estimated, in exact cents.
 *
 * @param pricedAs       the list-price model (a stand-in when {@code unpriced})
 * @param unpriced       the table had no list price for the model on that date
 * @param basis          what the estimate rests on
 * @param listCents      each token kind at list price
 * @param estimateCents  each token kind as estimated
 * @param webSearchCents web search requests, at the table's price in both
 */
public record UsageCost(String pricedAs, boolean unpriced, PriceBasis basis, Map<TokenType, BigDecimal> listCents,
                        Map<TokenType, BigDecimal> estimateCents, BigDecimal webSearchCents) {
    public UsageCost {
        listCents = Map.copyOf(listCents);
        estimateCents = Map.copyOf(estimateCents);
    }

    public BigDecimal listTotal() {
        return Money.normalize(sum(listCents).add(webSearchCents));
    }

    public BigDecimal estimateTotal() {
        return Money.normalize(sum(estimateCents).add(webSearchCents));
    }

    public PricedUsage priced() {
        return new PricedUsage(listTotal(), pricedAs, unpriced, estimateTotal(), basis);
    }

    private static BigDecimal sum(Map<TokenType, BigDecimal> parts) {
        BigDecimal total = BigDecimal.ZERO;
        for (BigDecimal part : new EnumMap<>(parts).values()) {
            total = total.add(part);
        }
        return total;
    }
}
