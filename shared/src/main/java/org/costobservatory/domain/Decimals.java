package org.costobservatory.domain;

import java.math.BigDecimal;

/**
 * Bounds for decimals that arrive from outside (HTTP bodies, query strings, seed and import files). A decimal such as
 * {@code 1e-999999999} is twelve characters long but a billion digits once written out, so every outside decimal is
 * checked here, right after parsing and before any arithmetic, formatting or storage. The checks themselves only
 * look at precision and scale, which costs nothing however extreme the exponent.
 */
public final class Decimals {
    /** No outside decimal needs more significant digits than this. */
    static final int MAX_PRECISION = 24;

    private Decimals() {
    }

    /**
     * @param maxIntegerDigits digits allowed before the decimal point
     * @param maxScale         digits allowed after it, once trailing zeros are dropped
     * @return the value without trailing zeros and never in exponent form (1500, not 1.5E+3)
     * @throws OutOfBounds naming the rule that was broken (the caller adds the field name)
     */
    public static BigDecimal bounded(BigDecimal value, int maxIntegerDigits, int maxScale) {
        // Stripping looks only at the unscaled digits (a JSON number has at most a thousand), never the exponent.
        BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        if (stripped.precision() > MAX_PRECISION) {
            throw new OutOfBounds("must have at most " + MAX_PRECISION + " significant digits");
        }
        // Digits before the point: precision - scale, in long arithmetic because the scale can be near +-2^31.
        long integerDigits = (long) stripped.precision() - stripped.scale();
        if (stripped.signum() != 0 && integerDigits > maxIntegerDigits) {
            throw new OutOfBounds("must be less than 1e" + maxIntegerDigits);
        }
        if (stripped.scale() > maxScale) {
            throw new OutOfBounds(maxScale == 0 ? "must be a whole number"
                    : "must have at most " + maxScale + " decimal places");
        }
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** Parses text as a decimal and bounds it like {@link #bounded}. */
    public static BigDecimal parse(String text, int maxIntegerDigits, int maxScale) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            throw new OutOfBounds("must be a number");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new OutOfBounds("must be a number");
        }
        return bounded(value, maxIntegerDigits, maxScale);
    }

    /** A decimal outside its bounds; the message is the rule, for the caller to prefix with the field's name. */
    public static final class OutOfBounds extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        OutOfBounds(String rule) {
            super(rule);
        }
    }
}
