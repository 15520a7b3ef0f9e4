package org.costobservatory.store;

import org.costobservatory.pricing.Calibration;

/** The prices learned from the bill (see {@link org.costobservatory.pricing.CalibrationLearner}). */
public interface CalibrationStore {

    /** What the last cost-report run learned; {@link Calibration#NONE} before anything was. */
    Calibration current();

    /**
     * Makes {@code calibration} the current one, as a whole, unless a newer run's is already stored.
     *
     * @return true when it is now the current one
     */
    boolean replace(Calibration calibration, RunInfo run);
}
