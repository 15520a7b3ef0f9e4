package org.costobservatory.store;

import java.time.LocalDate;
import java.util.List;
import org.costobservatory.domain.ClientEstimate;

/**
 * Client-side cost estimates (Agent SDK results, ccusage, an engine's own arithmetic), kept only to reconcile them
 * with the bill; they never count towards spend.
 */
public interface EstimateStore {

    /**
     * Stores each estimate under its {@linkplain ClientEstimate#identity() identity} on its UTC day: storing the same
     * estimate again (same run id, or same content) replaces it, never adds to it.
     */
    void putAll(List<ClientEstimate> estimates);

    /** The estimates of UTC days {@code from..toInclusive}, by day. */
    List<ClientEstimate> days(LocalDate from, LocalDate toInclusive);
}
