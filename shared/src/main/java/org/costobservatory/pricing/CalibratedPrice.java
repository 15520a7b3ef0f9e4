package org.costobservatory.pricing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The effective prices of one {@link CalibrationKey}, learned from settled days: what the cost report billed for each
 * token kind divided by the tokens the usage report counted for the same day and dimensions.
 *
 * @param pricedAs       the list-price model the ratio is measured against (a stand-in for an unlisted model)
 * @param usdPerMtok     the price of every token kind, USD per million tokens: the learned price where the bill showed
 *                       enough tokens of that kind, else the list price times {@code ratioToList}
 * @param listUsdPerMtok the list price of every token kind for this tier and context window (batch discount applied)
 * @param ratioToList    billed / list over the token kinds learned
 * @param learned        the evidence for each token kind learned from: tokens, billed and list cents
 * @param days           the settled days it was learned from, oldest first
 */
public record CalibratedPrice(CalibrationKey key, String pricedAs, Map<TokenType, BigDecimal> usdPerMtok,
                              Map<TokenType, BigDecimal> listUsdPerMtok, BigDecimal ratioToList,
                              Map<TokenType, Evidence> learned, List<LocalDate> days) {

    /** What one token kind of one key was billed over the days learned from. */
    public record Evidence(long tokens, BigDecimal billedCents, BigDecimal listCents) {
        public Evidence {
            Objects.requireNonNull(billedCents, "billedCents");
            Objects.requireNonNull(listCents, "listCents");
        }
    }

    public CalibratedPrice {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(pricedAs, "pricedAs");
        Objects.requireNonNull(ratioToList, "ratioToList");
        usdPerMtok = Map.copyOf(usdPerMtok);
        listUsdPerMtok = Map.copyOf(listUsdPerMtok);
        learned = Map.copyOf(learned);
        days = List.copyOf(days);
        for (TokenType type : TokenType.values()) {
            if (!usdPerMtok.containsKey(type)) {
                throw new IllegalArgumentException("calibrated price of " + key.text() + " has no rate for "
                        + type.id());
            }
        }
    }

    public BigDecimal rate(TokenType type) {
        return usdPerMtok.get(type);
    }

    /** The rates in token-kind order, for display. */
    public Map<TokenType, BigDecimal> orderedRates() {
        Map<TokenType, BigDecimal> ordered = new EnumMap<>(TokenType.class);
        ordered.putAll(usdPerMtok);
        return ordered;
    }
}
