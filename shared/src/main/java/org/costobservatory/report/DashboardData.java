package org.costobservatory.report;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.budget.ForecastService;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.Spend;
import org.costobservatory.budget.SpendCalculator;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.insight.Insights;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.AlertStore;
import org.costobservatory.store.ApiKeyStore;
import org.costobservatory.store.Anomaly;
import org.costobservatory.store.AnomalyStore;
import org.costobservatory.store.BudgetStore;
import org.costobservatory.store.SpendStore;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.store.WorkspaceStore;

/** Everything the dashboard shows, computed with the same spend arithmetic as the headroom answers. */
public final class DashboardData {

    /** One budget: its answer (no estimate, with the end-of-period forecast) and its spend per UTC day. */
    public record BudgetView(HeadroomAnswer answer, List<Spend.DaySpend> days) {
        public Optional<BigDecimal> forecastUsd() {
            return answer.forecast().forecastUsd();
        }
    }

    /** One slice of this month's organisation spend. */
    public record Slice(String key, String name, BigDecimal usd) {
    }

    /**
     * @param estimateVsBill the last {@link #RECONCILED_DAYS} settled days, each day's bill against its estimates
     * @param workspaceNames workspace id to name, {@code default} included
     * @param apiKeyNames    API key id to name, for keys the Admin API listed
     */
    public record View(Instant generatedAt, List<BudgetView> budgets, PeriodWindow month, List<Slice> byModel,
                       List<Slice> byWorkspace, List<AlertRecord> recentAlerts, Optional<Watermark> cost,
                       Optional<Watermark> usage, Duration staleAfter, List<Reconciliation.Line> estimateVsBill,
                       Map<String, String> workspaceNames, Map<String, String> apiKeyNames, List<Anomaly> anomalies,
                       LocalDate anomaliesFrom, Insights.Report insights) {
        public boolean stale() {
            return usage.map(u -> Duration.between(u.storedThrough(), generatedAt).compareTo(staleAfter) > 0)
                    .orElse(true);
        }
    }

    private static final int RECENT_ALERTS = 10;
    /** Settled days the estimate-against-bill panel shows. */
    public static final int RECONCILED_DAYS = 14;
    /** The anomaly panel lists the settled days of the last two weeks. */
    static final int ANOMALY_DAYS = 14;
    /** The insights section compares the last 7 complete UTC days with the 7 before. */
    static final int INSIGHT_DAYS = 7;

    private final BudgetStore budgets;
    private final SpendCalculator calculator;
    private final SpendStore spend;
    private final WorkspaceStore workspaces;
    private final ApiKeyStore apiKeys;
    private final AlertStore alerts;
    private final WatermarkStore watermarks;
    private final Reconciliation reconciliation;
    private final Clock clock;
    private final Duration staleAfter;
    private final ForecastService forecasts;
    private final AnomalyStore anomalies;
    private final Insights insights;

    public DashboardData(BudgetStore budgets, SpendCalculator calculator, SpendStore spend, WorkspaceStore workspaces,
                         ApiKeyStore apiKeys, AlertStore alerts, WatermarkStore watermarks, Reconciliation reconciliation,
                         Clock clock, Duration staleAfter, ForecastService forecasts, AnomalyStore anomalies,
                         Insights insights) {
        this.budgets = Objects.requireNonNull(budgets);
        this.calculator = Objects.requireNonNull(calculator);
        this.spend = Objects.requireNonNull(spend);
        this.workspaces = Objects.requireNonNull(workspaces);
        this.apiKeys = Objects.requireNonNull(apiKeys);
        this.alerts = Objects.requireNonNull(alerts);
        this.watermarks = Objects.requireNonNull(watermarks);
        this.reconciliation = Objects.requireNonNull(reconciliation);
        this.clock = Objects.requireNonNull(clock);
        this.staleAfter = Objects.requireNonNull(staleAfter);
        this.forecasts = Objects.requireNonNull(forecasts);
        this.anomalies = Objects.requireNonNull(anomalies);
        this.insights = Objects.requireNonNull(insights);
    }

    public View build() {
        Instant now = clock.instant();
        List<BudgetView> views = new ArrayList<>();
        for (Budget budget : budgets.list()) {
            Spend periodSpend = calculator.spend(budget, now);
            HeadroomAnswer answer = HeadroomService.decide(budget, periodSpend, BigDecimal.ZERO, now, staleAfter)
                    .withForecast(forecasts.forecast(budget, periodSpend));
            views.add(new BudgetView(answer, periodSpend.days()));
        }
        views.sort(Comparator.comparing(BudgetView::answer, HeadroomService.MOST_CONSTRAINED_FIRST));

        Budget month = monthly(BudgetScope.ORGANISATION);
        Spend organisation = calculator.spend(month, now);
        List<Slice> byModel = new ArrayList<>();
        organisation.byModelCents().forEach((model, cents) -> byModel.add(new Slice(model,
                Dimensions.NONE.equals(model) ? "web search, code execution and other" : model,
                Money.centsToRoundedUsd(cents))));
        byModel.sort(Comparator.comparing(Slice::usd).reversed());

        Map<String, String> names = workspaces.names();
        List<Slice> byWorkspace = new ArrayList<>();
        for (SpendScope scope : spend.scopes()) {
            if (scope.kind() != SpendScope.Kind.WORKSPACE) {
                continue;
            }
            Spend workspace = calculator.spend(monthly(new BudgetScope(Optional.of(scope.id()), Optional.empty(),
                    Optional.empty())), now);
            BigDecimal usd = Money.centsToRoundedUsd(workspace.totalCents());
            if (usd.signum() != 0) {
                byWorkspace.add(new Slice(scope.id(), names.getOrDefault(scope.id(), scope.id()), usd));
            }
        }
        byWorkspace.sort(Comparator.comparing(Slice::usd).reversed());

        List<AlertRecord> recent = alerts.list(Optional.empty());
        Optional<Watermark> cost = watermarks.get(ReportKind.COST);
        LocalDate today = now.atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate anomaliesFrom = today.minusDays(ANOMALY_DAYS);
        List<Anomaly> found = new ArrayList<>();
        anomalies.days(anomaliesFrom, today).forEach(day -> found.addAll(day.anomalies()));
        found.sort(Comparator.comparing(Anomaly::date).reversed());
        Insights.Report report = insights.build(today.minusDays(INSIGHT_DAYS), today.minusDays(1), Optional.empty());
        return new View(now, views, organisation.period(), byModel, byWorkspace,
                recent.subList(0, Math.min(RECENT_ALERTS, recent.size())), cost,
                watermarks.get(ReportKind.USAGE), staleAfter, estimateVsBill(cost), names, apiKeys.names(), found,
                anomaliesFrom, report);
    }

    /** The last settled days by day, oldest first; none before the first day is settled. */
    private List<Reconciliation.Line> estimateVsBill(Optional<Watermark> cost) {
        if (cost.isEmpty()) {
            return List.of();
        }
        LocalDate last = cost.get().settledThrough();
        return reconciliation.build(last.minusDays(RECONCILED_DAYS - 1), last, Reconciliation.GroupBy.DAY).lines();
    }

    private static Budget monthly(BudgetScope scope) {
        return new Budget("month", BigDecimal.ONE, BudgetPeriod.MONTHLY, ZoneOffset.UTC, scope,
                List.of(), BigDecimal.valueOf(100), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
