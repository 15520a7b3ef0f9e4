package org.costobservatory.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.RunScope;
import org.costobservatory.store.BudgetStore;
import org.costobservatory.store.DataVersion;
import org.costobservatory.store.HeadroomInputs;
import org.costobservatory.store.HoldLedger;
import org.costobservatory.store.HoldStore;

/**
 * Answers headroom questions from stored rollups and each budget's hold ledger. With committed = spent + active holds
 * + recent runs not in the usage yet + the estimate:
 * <ul>
 *   <li>{@code deny} when committed reaches the limit;</li>
 *   <li>{@code warn} when committed reaches {@code warn_percent} of it, or when the data is stale;</li>
 *   <li>{@code allow} otherwise.</li>
 * </ul>
 * A run's scope (API key, workspace, model) is answered by every budget whose scope contains it.
 * <p>
 * Budgets and their hold ledgers are read fresh for every answer, together with the data version of the stored spend
 * ({@link HeadroomInputs}); the period's spend is computed once per data version and reused until the version moves
 * ({@link PeriodSpendCache}), so an answer usually costs that one read.
 */
public final class HeadroomService {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final BudgetStore budgets;
    private final HoldStore holds;
    private final HeadroomInputs inputs;
    private final PeriodSpendCache periodSpend;
    private final KeyWorkspaces keyWorkspaces;
    private final Clock clock;
    private final Duration staleAfter;
    private final Optional<ForecastService> forecasts;

    public HeadroomService(BudgetStore budgets, SpendCalculator calculator, HoldStore holds, HeadroomInputs inputs,
                           KeyWorkspaces keyWorkspaces, Clock clock, Duration staleAfter) {
        this(budgets, calculator, holds, inputs, keyWorkspaces, clock, staleAfter, Optional.empty());
    }

    /** Answers that also carry the end-of-period forecast. */
    public HeadroomService(BudgetStore budgets, SpendCalculator calculator, HoldStore holds, HeadroomInputs inputs,
                           KeyWorkspaces keyWorkspaces, Clock clock, Duration staleAfter, ForecastService forecasts) {
        this(budgets, calculator, holds, inputs, keyWorkspaces, clock, staleAfter, Optional.of(forecasts));
    }

    private HeadroomService(BudgetStore budgets, SpendCalculator calculator, HoldStore holds, HeadroomInputs inputs,
                            KeyWorkspaces keyWorkspaces, Clock clock, Duration staleAfter,
                            Optional<ForecastService> forecasts) {
        this.budgets = Objects.requireNonNull(budgets);
        this.holds = Objects.requireNonNull(holds);
        this.inputs = Objects.requireNonNull(inputs);
        this.periodSpend = new PeriodSpendCache(Objects.requireNonNull(calculator));
        this.keyWorkspaces = Objects.requireNonNull(keyWorkspaces);
        this.clock = Objects.requireNonNull(clock);
        this.staleAfter = Objects.requireNonNull(staleAfter);
        this.forecasts = forecasts;
    }

    /** The answer for the budget of this name as stored now; empty when there is none. One read, usually. */
    public Optional<HeadroomAnswer> answer(String name, BigDecimal estimateUsd) {
        Instant now = clock.instant();
        HeadroomInputs.Inputs read = inputs.budget(name);
        return read.only().map(budget -> {
            Spend spend = periodSpend.spend(budget, now, read.version());
            return withForecast(budget, spend, read.version(), now, answer(budget, spend, read.ledger(name),
                    estimateUsd, now));
        });
    }

    /** The answer for this budget (as given, not as stored) with its holds as stored now. */
    public HeadroomAnswer answer(Budget budget, BigDecimal estimateUsd) {
        Instant now = clock.instant();
        HeadroomInputs.Inputs read = inputs.budget(budget.name());
        Spend spend = periodSpend.spend(budget, now, read.version());
        return withForecast(budget, spend, read.version(), now, answer(budget, spend, read.ledger(budget.name()),
                estimateUsd, now));
    }

    /** Every budget, most constrained first. */
    public List<HeadroomAnswer> answerAll(BigDecimal estimateUsd) {
        Instant now = clock.instant();
        HeadroomInputs.Inputs read = inputs.all();
        return answers(read.budgets(), read, estimateUsd, now);
    }

    /** Every budget whose scope contains the run's, most constrained first. */
    public List<HeadroomAnswer> answerFor(RunScope scope, BigDecimal estimateUsd) {
        Instant now = clock.instant();
        HeadroomInputs.Inputs read = inputs.all();
        return answers(read.budgets().stream().filter(budget -> scope.within(budget.scope())).toList(), read,
                estimateUsd, now);
    }

    private List<HeadroomAnswer> answers(List<Budget> chosen, HeadroomInputs.Inputs read, BigDecimal estimateUsd,
                                         Instant now) {
        List<HeadroomAnswer> answers = new ArrayList<>();
        for (Budget budget : chosen) {
            Spend spend = periodSpend.spend(budget, now, read.version());
            answers.add(withForecast(budget, spend, read.version(), now, answer(budget, spend,
                    read.ledger(budget.name()), estimateUsd, now)));
        }
        answers.sort(MOST_CONSTRAINED_FIRST);
        return answers;
    }

    /**
     * The forecast informs; it never changes the decision. Its history is kept per data version, like the period's
     * spend. A hold's decision needs none, so it reads no history.
     */
    private HeadroomAnswer withForecast(Budget budget, Spend spend, DataVersion version, Instant now,
                                        HeadroomAnswer answer) {
        return forecasts.map(service -> answer.withForecast(service.forecast(budget, spend, version, now)))
                .orElse(answer);
    }

    /** The answer from spend and a ledger already read. */
    public HeadroomAnswer answer(Budget budget, Spend spend, HoldLedger ledger, BigDecimal estimateUsd, Instant now) {
        return decide(budget, spend, HoldRules.heldUsd(ledger, now),
                HoldRules.recentUsd(ledger, spend.period(), spend.dataAsOf()), estimateUsd, now, staleAfter);
    }

    /** The budget's spend in its period at {@code now}, as stored now. */
    public Spend spend(Budget budget, Instant now) {
        return periodSpend.spend(budget, now, inputs.version());
    }

    /** The ledgers of these budgets: one read for one budget, one Query for several. */
    public Map<String, HoldLedger> ledgersOf(List<Budget> chosen) {
        if (chosen.isEmpty()) {
            return Map.of();
        }
        if (chosen.size() == 1) {
            String name = chosen.get(0).name();
            return Map.of(name, holds.ledger(name));
        }
        return holds.ledgers();
    }

    /** The budgets whose scope contains the run's: the organisation's, its workspace's, its key's, its model's. */
    public List<Budget> applicable(RunScope scope) {
        return budgets.list().stream().filter(budget -> scope.within(budget.scope())).toList();
    }

    /**
     * Fills in the workspace of the run's API key from stored usage or the stored key list, when the caller did not
     * give it.
     *
     * @throws RequestRefused (INVALID) when the caller named another workspace than the key's
     */
    public RunScope resolve(RunScope scope) {
        if (scope.apiKeyId().isEmpty()) {
            return scope;
        }
        Optional<String> known = keyWorkspaces.of(scope.apiKeyId().get());
        if (known.isEmpty()) {
            return scope;
        }
        if (scope.workspaceId().isPresent() && !scope.workspaceId().get().equals(known.get())) {
            throw new RequestRefused(RequestRefused.Kind.INVALID, "workspace_id: API key " + scope.apiKeyId().get()
                    + " belongs to workspace " + known.get() + ", not " + scope.workspaceId().get());
        }
        return scope.withWorkspace(known.get());
    }

    public static final Comparator<HeadroomAnswer> MOST_CONSTRAINED_FIRST =
            Comparator.comparing(HeadroomAnswer::percentWithEstimate).reversed()
                    .thenComparing(HeadroomAnswer::decision, Comparator.reverseOrder())
                    .thenComparing(answer -> answer.budget().name());

    /** The most restrictive decision of several answers; allow when there are none. */
    public static Decision overall(List<HeadroomAnswer> answers) {
        return answers.stream().map(HeadroomAnswer::decision).max(Enum::compareTo).orElse(Decision.ALLOW);
    }

    /**
     * The budget that decided: among the answers with the most restrictive decision, the most constrained. Empty on
     * allow. {@code answers} must be most constrained first.
     */
    public static Optional<HeadroomAnswer> blocking(List<HeadroomAnswer> answers) {
        Decision overall = overall(answers);
        if (overall == Decision.ALLOW) {
            return Optional.empty();
        }
        return answers.stream().filter(answer -> answer.decision() == overall).findFirst();
    }

    public static HeadroomAnswer decide(Budget budget, Spend spend, BigDecimal estimateUsd, Instant now,
                                        Duration staleAfter) {
        return decide(budget, spend, BigDecimal.ZERO, BigDecimal.ZERO, estimateUsd, now, staleAfter);
    }

    public static HeadroomAnswer decide(Budget budget, Spend spend, BigDecimal heldUsd, BigDecimal recentUsd,
                                        BigDecimal estimateUsd, Instant now, Duration staleAfter) {
        BigDecimal limit = budget.limitUsd();
        BigDecimal spent = Money.centsToRoundedUsd(spend.totalCents());
        BigDecimal settled = Money.centsToRoundedUsd(spend.settledCents());
        BigDecimal provisional = spent.subtract(settled);
        BigDecimal priority = Money.centsToRoundedUsd(spend.priorityCents());
        BigDecimal held = Money.roundUsd(heldUsd);
        BigDecimal recent = Money.roundUsd(recentUsd);
        BigDecimal estimate = Money.roundUsd(estimateUsd);
        BigDecimal committed = spent.add(held).add(recent).add(estimate);
        BigDecimal percentUsed = Money.percent(spent, limit);
        BigDecimal percentWithEstimate = Money.percent(committed, limit);
        boolean stale = spend.dataAsOf().map(asOf -> Duration.between(asOf, now).compareTo(staleAfter) > 0)
                .orElse(true);

        Decision decision;
        if (committed.compareTo(limit) >= 0) {
            decision = Decision.DENY;
        } else if (committed.multiply(HUNDRED).compareTo(limit.multiply(budget.warnPercent())) >= 0 || stale) {
            decision = Decision.WARN;
        } else {
            decision = Decision.ALLOW;
        }
        List<BigDecimal> crossed = budget.thresholdsPercent().stream()
                .filter(threshold -> spent.multiply(HUNDRED).compareTo(limit.multiply(threshold)) >= 0).toList();
        return new HeadroomAnswer(budget, decision, spent, settled, priority, provisional, estimate,
                limit.setScale(2, RoundingMode.HALF_UP).subtract(committed), percentUsed, percentWithEstimate,
                spend.period(), spend.settledThrough(), spend.dataAsOf(), stale, crossed, spend.basis(),
                spend.unpricedModels(), spend.apportioned(), spend.pricing(), held, recent, null);
    }
}
