package org.costobservatory.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.Money;
import org.costobservatory.store.BudgetStore;

/**
 * Answers headroom questions from stored rollups.
 * <ul>
 *   <li>{@code deny} when spent + estimate reaches the limit;</li>
 *   <li>{@code warn} when spent + estimate reaches {@code warn_percent} of it, or when the data is stale;</li>
 *   <li>{@code allow} otherwise.</li>
 * </ul>
 */
public final class HeadroomService {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final BudgetStore budgets;
    private final SpendCalculator calculator;
    private final Clock clock;
    private final Duration staleAfter;
    private final Optional<ForecastService> forecasts;

    public HeadroomService(BudgetStore budgets, SpendCalculator calculator, Clock clock, Duration staleAfter) {
        this(budgets, calculator, clock, staleAfter, Optional.empty());
    }

    /** Answers that also carry the end-of-period forecast. */
    public HeadroomService(BudgetStore budgets, SpendCalculator calculator, Clock clock, Duration staleAfter,
                           ForecastService forecasts) {
        this(budgets, calculator, clock, staleAfter, Optional.of(forecasts));
    }

    private HeadroomService(BudgetStore budgets, SpendCalculator calculator, Clock clock, Duration staleAfter,
                            Optional<ForecastService> forecasts) {
        this.budgets = Objects.requireNonNull(budgets);
        this.calculator = Objects.requireNonNull(calculator);
        this.clock = Objects.requireNonNull(clock);
        this.staleAfter = Objects.requireNonNull(staleAfter);
        this.forecasts = forecasts;
    }

    public HeadroomAnswer answer(Budget budget, BigDecimal estimateUsd) {
        Instant now = clock.instant();
        Spend spend = calculator.spend(budget, now);
        HeadroomAnswer answer = decide(budget, spend, estimateUsd, now, staleAfter);
        return forecasts.map(service -> answer.withForecast(service.forecast(budget, spend))).orElse(answer);
    }

    /** Every budget, most constrained first. */
    public List<HeadroomAnswer> answerAll(BigDecimal estimateUsd) {
        List<HeadroomAnswer> answers = new ArrayList<>();
        for (Budget budget : budgets.list()) {
            answers.add(answer(budget, estimateUsd));
        }
        answers.sort(MOST_CONSTRAINED_FIRST);
        return answers;
    }

    public static final Comparator<HeadroomAnswer> MOST_CONSTRAINED_FIRST =
            Comparator.comparing(HeadroomAnswer::percentWithEstimate).reversed()
                    .thenComparing(HeadroomAnswer::decision, Comparator.reverseOrder())
                    .thenComparing(answer -> answer.budget().name());

    public static HeadroomAnswer decide(Budget budget, Spend spend, BigDecimal estimateUsd, Instant now,
                                 Duration staleAfter) {
        BigDecimal limit = budget.limitUsd();
        BigDecimal spent = Money.centsToRoundedUsd(spend.totalCents());
        BigDecimal settled = Money.centsToRoundedUsd(spend.settledCents());
        BigDecimal provisional = spent.subtract(settled);
        BigDecimal priority = Money.centsToRoundedUsd(spend.priorityCents());
        BigDecimal estimate = Money.roundUsd(estimateUsd);
        BigDecimal withEstimate = spent.add(estimate);
        BigDecimal percentUsed = Money.percent(spent, limit);
        BigDecimal percentWithEstimate = Money.percent(withEstimate, limit);
        boolean stale = spend.dataAsOf().map(asOf -> Duration.between(asOf, now).compareTo(staleAfter) > 0)
                .orElse(true);

        Decision decision;
        if (withEstimate.compareTo(limit) >= 0) {
            decision = Decision.DENY;
        } else if (withEstimate.multiply(HUNDRED).compareTo(limit.multiply(budget.warnPercent())) >= 0 || stale) {
            decision = Decision.WARN;
        } else {
            decision = Decision.ALLOW;
        }
        List<BigDecimal> crossed = budget.thresholdsPercent().stream()
                .filter(threshold -> spent.multiply(HUNDRED).compareTo(limit.multiply(threshold)) >= 0).toList();
        return new HeadroomAnswer(budget, decision, spent, settled, priority, provisional, estimate,
                limit.setScale(2, RoundingMode.HALF_UP).subtract(spent), percentUsed, percentWithEstimate,
                spend.period(), spend.settledThrough(), spend.dataAsOf(), stale, crossed, spend.basis(),
                spend.unpricedModels(), spend.apportioned());
    }
}
