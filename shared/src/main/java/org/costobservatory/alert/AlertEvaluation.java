package org.costobservatory.alert;

import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.log.EveryItem;

/** Decides whether an answer's crossed thresholds are announced; returns how many messages it published. */
@FunctionalInterface
public interface AlertEvaluation {
    /**
     * Evaluates nothing. Used when a deployed stack's table is reviewed from a terminal without its topic: claiming a
     * threshold there would mark it sent and the stack's own alert would never go out.
     */
    AlertEvaluation OFF = answer -> 0;

    int evaluate(HeadroomAnswer answer);

    /**
     * Every evaluation in turn; one that fails does not keep the others from running, and the first failure is
     * rethrown at the end.
     */
    static AlertEvaluation all(AlertEvaluation... evaluations) {
        java.util.List<AlertEvaluation> list = java.util.List.of(evaluations);
        return answer -> EveryItem.sum(list, evaluation -> evaluation.evaluate(answer));
    }
}
