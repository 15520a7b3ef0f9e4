package org.costobservatory.alert;

import org.costobservatory.budget.HeadroomAnswer;

/** Decides whether an answer's crossed thresholds are announced; returns how many messages it published. */
@FunctionalInterface
public interface AlertEvaluation {
    /**
     * Evaluates nothing. Used when a deployed stack's table is reviewed from a terminal without its topic: claiming a
     * threshold there would mark it sent and the stack's own alert would never go out.
     */
    AlertEvaluation OFF = answer -> 0;

    int evaluate(HeadroomAnswer answer);
}
