package org.costobservatory.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A spending limit over a recurring period. Thresholds are percentages of the limit at which an alert is sent once
 * per period; {@code warnPercent} is where a headroom answer turns from allow to warn; {@code resetNotice} says
 * whether a new period that re-arms the alerts of one that alerted is announced; {@code forecastAlert} says whether
 * a notice goes out (once per period) when the end-of-period forecast first reaches the limit.
 */
public record Budget(String name, BigDecimal limitUsd, BudgetPeriod period, ZoneId timeZone, BudgetScope scope,
                     List<BigDecimal> thresholdsPercent, BigDecimal warnPercent, Optional<String> preset,
                     Optional<Integer> seats, Optional<Instant> updatedAt, boolean resetNotice,
                     boolean forecastAlert) {

    public static final List<BigDecimal> DEFAULT_THRESHOLDS =
            List.of(BigDecimal.valueOf(50), BigDecimal.valueOf(75), BigDecimal.valueOf(100));
    public static final BigDecimal DEFAULT_WARN_PERCENT = BigDecimal.valueOf(75);

    public Budget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(limitUsd, "limit_usd");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(timeZone, "time_zone");
        Objects.requireNonNull(scope, "scope");
        thresholdsPercent = List.copyOf(thresholdsPercent);
        Objects.requireNonNull(warnPercent, "warn_percent");
        preset = preset == null ? Optional.empty() : preset;
        seats = seats == null ? Optional.empty() : seats;
        updatedAt = updatedAt == null ? Optional.empty() : updatedAt;
    }

    /** A budget with the reset notice and the forecast alert on (the defaults). */
    public Budget(String name, BigDecimal limitUsd, BudgetPeriod period, ZoneId timeZone, BudgetScope scope,
                  List<BigDecimal> thresholdsPercent, BigDecimal warnPercent, Optional<String> preset,
                  Optional<Integer> seats, Optional<Instant> updatedAt) {
        this(name, limitUsd, period, timeZone, scope, thresholdsPercent, warnPercent, preset, seats, updatedAt, true,
                true);
    }

    public PeriodWindow currentPeriod(Instant now) {
        return period.containing(now, timeZone);
    }

    public Budget withUpdatedAt(Instant at) {
        return new Budget(name, limitUsd, period, timeZone, scope, thresholdsPercent, warnPercent, preset, seats,
                Optional.of(at), resetNotice, forecastAlert);
    }
}
