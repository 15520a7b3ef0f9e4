package org.costobservatory.alert;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.ingest.AfterIngest;
import org.costobservatory.log.EveryItem;
import org.costobservatory.log.Log;
import org.costobservatory.metrics.Metrics;

/**
 * Evaluates every budget's thresholds after an ingest run, and records each budget's standing as a metric. A budget
 * whose alert cannot be published does not stop the others; the failure is rethrown at the end so the run is
 * visibly failed and retried.
 */
public final class BudgetAlerts implements AfterIngest {
    private static final Log LOG = Log.get(BudgetAlerts.class);

    private final HeadroomService headroom;
    private final AlertEvaluation alerts;
    private final Metrics metrics;

    public BudgetAlerts(HeadroomService headroom, AlertEvaluation alerts, Metrics metrics) {
        this.headroom = Objects.requireNonNull(headroom);
        this.alerts = Objects.requireNonNull(alerts);
        this.metrics = Objects.requireNonNull(metrics);
    }

    @Override
    public int run() {
        return EveryItem.sum(headroom.answerAll(BigDecimal.ZERO), answer -> {
            metrics.budget(answer.budget().name(), answer.spentUsd(), answer.budget().limitUsd(),
                    answer.percentUsed(), Optional.of(answer.heldUsd()));
            return alerts.evaluate(answer);
        }, (answer, e) -> LOG.error("could not send a budget alert; it will be retried", e, "budget",
                answer.budget().name()));
    }
}
