package org.costobservatory.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money rules in one place. Anthropic reports amounts as decimal strings in cents; we keep cents exactly
 * (as {@link BigDecimal}) in storage and convert to US dollars only at the edges.
 */
public final class Money {
    public static final BigDecimal ZERO = BigDecimal.ZERO;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Money() {
    }

    /** Exact conversion: 123.45 cents is 1.2345 USD. */
    public static BigDecimal centsToUsd(BigDecimal cents) {
        return cents.movePointLeft(2);
    }

    /** Exact conversion: 1.2345 USD is 123.45 cents. */
    public static BigDecimal usdToCents(BigDecimal usd) {
        return usd.movePointRight(2);
    }

    /** USD rounded to whole cents for answers shown to people and scripts. */
    public static BigDecimal roundUsd(BigDecimal usd) {
        return usd.setScale(2, RoundingMode.HALF_UP);
    }

    /** Cents rounded to whole cents and shown as USD, e.g. 7512.4 cents becomes 75.12. */
    public static BigDecimal centsToRoundedUsd(BigDecimal cents) {
        return roundUsd(centsToUsd(cents));
    }

    /** A canonical decimal string without exponent or trailing zeros ("0" for zero). */
    public static String plain(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        return value.stripTrailingZeros().toPlainString();
    }

    /** Drops trailing zeros without ever producing an exponent (1500, not 1.5E+3). */
    public static BigDecimal normalize(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** Percentage of {@code part} in {@code whole}, to two decimal places; zero when {@code whole} is zero. */
    public static BigDecimal percent(BigDecimal part, BigDecimal whole) {
        if (whole.signum() == 0) {
            return BigDecimal.ZERO.setScale(2);
        }
        return part.multiply(HUNDRED).divide(whole, 2, RoundingMode.HALF_UP);
    }

    /** Formats USD for messages: "$1,234.50". */
    public static String format(BigDecimal usd) {
        BigDecimal rounded = roundUsd(usd);
        String sign = rounded.signum() < 0 ? "-" : "";
        return sign + "$" + String.format(java.util.Locale.ROOT, "%,.2f", rounded.abs());
    }
}
