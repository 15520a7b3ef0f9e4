package org.costobservatory.pricing;

import java.util.Locale;

/**
 * Which price an estimate of usage rests on, from the most to the least certain: a price learned from the bill, the
 * dated list price, or (for a model with neither) the price of a stand-in model.
 */
public enum PriceBasis {
    CALIBRATED, LIST, UNPRICED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PriceBasis fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** The less certain of the two: what a mix of usage priced on both rests on. */
    public PriceBasis worse(PriceBasis other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
