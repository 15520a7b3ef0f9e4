package org.costobservatory.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A budget's spend at the end of its current period, forecast from the stored history, with an 80 % interval. USD
 * rounded to cents; {@code lowUsd <= forecastUsd <= highUsd}, and none of them is below what is spent already.
 *
 * @param method       {@link #WEEKLY_TREND}, {@link #LAST_WEEK}, {@link #RUN_RATE} or {@link #NONE} (nothing to go
 *                     on yet)
 * @param exhaustedAt  when the forecast reaches the limit inside the period; the end of the stored data when spend
 *                     has reached it already; empty when the forecast stays below the limit
 * @param historyDays  the complete UTC days of history the forecast read
 */
public record Forecast(String method, Optional<BigDecimal> forecastUsd, Optional<BigDecimal> lowUsd,
                       Optional<BigDecimal> highUsd, Optional<Instant> exhaustedAt, int historyDays) {
    /** Weekday rhythm and the recent trend, from at least two weeks of complete days. */
    public static final String WEEKLY_TREND = "weekly_trend";
    /** The mean of the last 7 complete days: one to two weeks of history, too little to tell rhythm from trend. */
    public static final String LAST_WEEK = "last_week";
    /** Spend so far divided by the share of the period the data covers: too little history for anything else. */
    public static final String RUN_RATE = "run_rate";
    /** No forecast: the period has under an hour of data and there is too little history. */
    public static final String NONE = "none";

    public Forecast {
        Objects.requireNonNull(method, "method");
        forecastUsd = forecastUsd == null ? Optional.empty() : forecastUsd;
        lowUsd = lowUsd == null ? Optional.empty() : lowUsd;
        highUsd = highUsd == null ? Optional.empty() : highUsd;
        exhaustedAt = exhaustedAt == null ? Optional.empty() : exhaustedAt;
    }

    public static Forecast none(int historyDays) {
        return new Forecast(NONE, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                historyDays);
    }

    /** True when the forecast reaches {@code limitUsd}. */
    public boolean reaches(BigDecimal limitUsd) {
        return forecastUsd.isPresent() && forecastUsd.get().compareTo(limitUsd) >= 0;
    }
}
