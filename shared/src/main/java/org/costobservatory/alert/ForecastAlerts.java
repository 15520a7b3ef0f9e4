package org.costobservatory.alert;

import java.math.BigDecimal;
import java.util.Objects;
import org.costobservatory.budget.Forecast;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.domain.Budget;
import org.costobservatory.store.AlertStore;

/**
 * Warns once per (budget, period) when the end-of-period forecast first reaches the limit while spend is still
 * below it, with the projected date: "at this rate the team budget runs out on the 24th". A budget can turn it off
 * ({@code forecast_alert: false}). A run-rate forecast (under a week of history) only counts once the data covers a
 * quarter of the period: early in a period a run rate says little (a nightly batch at 05:00 looks like a fortune).
 * Forecasts from a week of history or more count at once.
 */
public final class ForecastAlerts implements AlertEvaluation {
    static final double RUN_RATE_MIN_COVERED = 0.25;

    private static final BigDecimal LIMIT_PERCENT = BigDecimal.valueOf(100);

    private final OnceNotices notices;
    private final AlertStore alerts;

    /** @param alerts the period's threshold alerts: once the limit itself alerted, its forecast says nothing new */
    public ForecastAlerts(OnceNotices notices, AlertStore alerts) {
        this.notices = Objects.requireNonNull(notices);
        this.alerts = Objects.requireNonNull(alerts);
    }

    /** @return 1 when this call sent the warning, else 0 */
    @Override
    public int evaluate(HeadroomAnswer answer) {
        Budget budget = answer.budget();
        Forecast forecast = answer.forecast();
        if (!budget.forecastAlert() || !forecast.reaches(budget.limitUsd())
                || answer.spentUsd().compareTo(budget.limitUsd()) >= 0) {
            return 0;
        }
        if (Forecast.RUN_RATE.equals(forecast.method())
                && NoticeMessages.covered(answer) < RUN_RATE_MIN_COVERED) {
            return 0;
        }
        if (limitAlerted(answer)) {
            return 0;
        }
        return notices.send(NoticeMessages.forecastKey(answer), () -> NoticeMessages.forecast(answer)) ? 1 : 0;
    }

    /**
     * Whether the period already alerted at 100 % or more: spend restated below the limit afterwards would otherwise
     * bring a warning that the limit will be reached, after the message that it was. One read, only when a warning
     * would go out.
     */
    private boolean limitAlerted(HeadroomAnswer answer) {
        return alerts.period(answer.budget().name(), answer.period().key()).stream()
                .anyMatch(record -> record.sent() && record.thresholdPercent().compareTo(LIMIT_PERCENT) >= 0);
    }
}
