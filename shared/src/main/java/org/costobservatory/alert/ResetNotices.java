package org.costobservatory.alert;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.AlertStore;

/**
 * Says once when a new period re-arms a budget that alerted in the period before ("budget X reset: $0.00 of $100.00
 * for December 2026"), so whoever acted on those alerts knows the limit is back. Evaluated after every ingest run,
 * for budgets whose {@code reset_notice} is on (the default); sent at most once per budget and period through
 * {@link OnceNotices}.
 */
public final class ResetNotices implements AlertEvaluation {
    public static final String KIND = "reset";

    private final AlertStore alerts;
    private final OnceNotices notices;

    public ResetNotices(AlertStore alerts, OnceNotices notices) {
        this.alerts = Objects.requireNonNull(alerts);
        this.notices = Objects.requireNonNull(notices);
    }

    /** The notice's key: one per budget and period. */
    public static String key(String budget, PeriodWindow period) {
        return KIND + "#" + budget + "#" + period.key();
    }

    @Override
    public int evaluate(HeadroomAnswer answer) {
        Budget budget = answer.budget();
        if (!budget.resetNotice()) {
            return 0;
        }
        PeriodWindow previous = budget.period().containing(answer.period().startInstant().minusSeconds(1),
                budget.timeZone());
        List<BigDecimal> alerted = alerts.period(budget.name(), previous.key()).stream().filter(AlertRecord::sent)
                .map(AlertRecord::thresholdPercent).sorted(Comparator.naturalOrder()).toList();
        if (alerted.isEmpty()) {
            return 0;
        }
        return notices.send(key(budget.name(), answer.period()), () -> AlertMessages.reset(answer, previous, alerted))
                ? 1 : 0;
    }
}
