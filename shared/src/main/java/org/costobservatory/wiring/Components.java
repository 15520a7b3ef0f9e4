package org.costobservatory.wiring;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.costobservatory.alert.AlertEvaluation;
import org.costobservatory.alert.AlertPublisher;
import org.costobservatory.alert.BudgetAlerts;
import org.costobservatory.alert.ChangeNotices;
import org.costobservatory.alert.DriftNotices;
import org.costobservatory.alert.ForecastAlerts;
import org.costobservatory.alert.OnceNotices;
import org.costobservatory.alert.ResetNotices;
import org.costobservatory.alert.ThresholdAlerts;
import org.costobservatory.anthropic.AdminReports;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.api.ApiRouter;
import org.costobservatory.api.BudgetRoutes;
import org.costobservatory.api.EstimateRoutes;
import org.costobservatory.api.HoldRoutes;
import org.costobservatory.api.InsightRoutes;
import org.costobservatory.api.ReconciliationRoutes;
import org.costobservatory.api.ReportRoutes;
import org.costobservatory.budget.ForecastService;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.HoldService;
import org.costobservatory.budget.KeyWorkspaces;
import org.costobservatory.budget.SpendCalculator;
import org.costobservatory.config.Config;
import org.costobservatory.config.ConfigException;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.AfterIngest;
import org.costobservatory.ingest.AfterSettle;
import org.costobservatory.ingest.CostReportJob;
import org.costobservatory.ingest.IngestJob;
import org.costobservatory.ingest.PriceCalibration;
import org.costobservatory.ingest.UsageReportJob;
import org.costobservatory.insight.AnomalyScan;
import org.costobservatory.insight.Insights;
import org.costobservatory.metrics.Metrics;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.report.DashboardData;
import org.costobservatory.report.Reconciliation;
import org.costobservatory.report.Reports;
import org.costobservatory.store.AlertStore;
import org.costobservatory.store.AnomalyStore;
import org.costobservatory.store.ApiKeyStore;
import org.costobservatory.store.BudgetStore;
import org.costobservatory.store.CalibrationStore;
import org.costobservatory.store.EstimateStore;
import org.costobservatory.store.HoldStore;
import org.costobservatory.store.NoticeStore;
import org.costobservatory.store.ProvisionalStore;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.SpendStore;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.store.WorkspaceStore;
import org.costobservatory.store.dynamodb.DynamoDbAlertStore;
import org.costobservatory.store.dynamodb.DynamoDbAnomalyStore;
import org.costobservatory.store.dynamodb.DynamoDbApiKeyStore;
import org.costobservatory.store.dynamodb.DynamoDbBudgetStore;
import org.costobservatory.store.dynamodb.DynamoDbCalibrationStore;
import org.costobservatory.store.dynamodb.DynamoDbEstimateStore;
import org.costobservatory.store.dynamodb.DynamoDbHeadroomInputs;
import org.costobservatory.store.dynamodb.DynamoDbHoldStore;
import org.costobservatory.store.dynamodb.DynamoDbNoticeStore;
import org.costobservatory.store.dynamodb.DynamoDbProvisionalStore;
import org.costobservatory.store.dynamodb.DynamoDbReportStore;
import org.costobservatory.store.dynamodb.DynamoDbSpendStore;
import org.costobservatory.store.dynamodb.DynamoDbWatermarkStore;
import org.costobservatory.store.dynamodb.DynamoDbWorkspaceStore;
import org.costobservatory.time.Sleeper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The object graph every entry point uses: the Lambda handlers' no-argument constructors, the local runner and the
 * CLI. Built once from {@link Config}; the builder lets local mode and tests swap the DynamoDB client, the clock,
 * the alert publisher and the Admin API client.
 */
public final class Components {
    private final Config config;
    private final Clock clock;
    private final DynamoDbClient dynamo;
    private final ReportStore reports;
    private final SpendStore spend;
    private final WatermarkStore watermarks;
    private final WorkspaceStore workspaces;
    private final ApiKeyStore apiKeys;
    private final BudgetStore budgets;
    private final AlertStore alerts;
    private final NoticeStore notices;
    private final HoldStore holds;
    private final CalibrationStore calibrations;
    private final ProvisionalStore provisional;
    private final EstimateStore estimates;
    private final UsagePricer pricer;
    private final BigDecimal driftAlertPercent;
    private final Supplier<AlertPublisher> publisher;
    private final Supplier<AdminReports> adminReports;
    private final SpendCalculator calculator;
    private final ForecastService forecasts;
    private final HeadroomService headroom;
    private final AnomalyStore anomalies;
    private final boolean alertsEnabled;
    private final Metrics metrics;
    private AlertPublisher publisherInstance;
    private AdminReports adminReportsInstance;

    private Components(Builder builder) {
        this.config = builder.config;
        this.clock = builder.clock;
        this.dynamo = builder.dynamo != null ? builder.dynamo : AwsClients.dynamoDb(config.environment());
        this.alertsEnabled = builder.alertsEnabled;
        this.metrics = builder.metrics;
        String table = config.tableName();
        this.reports = new DynamoDbReportStore(dynamo, table, Sleeper.SYSTEM, clock);
        this.spend = new DynamoDbSpendStore(dynamo, table);
        this.watermarks = new DynamoDbWatermarkStore(dynamo, table, clock);
        this.workspaces = new DynamoDbWorkspaceStore(dynamo, table);
        this.apiKeys = new DynamoDbApiKeyStore(dynamo, table);
        this.budgets = new DynamoDbBudgetStore(dynamo, table);
        this.alerts = new DynamoDbAlertStore(dynamo, table);
        this.notices = new DynamoDbNoticeStore(dynamo, table);
        this.holds = new DynamoDbHoldStore(dynamo, table);
        this.calibrations = new DynamoDbCalibrationStore(dynamo, table);
        this.provisional = new DynamoDbProvisionalStore(dynamo, table);
        this.estimates = new DynamoDbEstimateStore(dynamo, table);
        this.pricer = new UsagePricer(config.priceTableFile().map(PriceTable::fromFile).orElseGet(PriceTable::bundled));
        this.driftAlertPercent = config.driftAlertPercent();
        this.publisher = builder.publisher != null ? builder.publisher : () -> snsPublisher(config);
        this.adminReports = builder.adminReports != null ? builder.adminReports
                : () -> AdminReportsFactory.fromConfig(config, clock);
        this.anomalies = new DynamoDbAnomalyStore(dynamo, table);
        this.calculator = new SpendCalculator(spend, watermarks);
        this.forecasts = new ForecastService(spend);
        this.headroom = new HeadroomService(budgets, calculator, holds, new DynamoDbHeadroomInputs(dynamo, table),
                keyWorkspaces(), clock, config.staleAfter(), forecasts);
    }

    /** The AWS graph: DynamoDB and SNS from the environment, the admin key from SSM (or ANTHROPIC_ADMIN_KEY). */
    public static Components create(Config config) {
        return builder(config).build();
    }

    public static Builder builder(Config config) {
        return new Builder(config);
    }

    private static AlertPublisher snsPublisher(Config config) {
        String topic = config.alertTopicArn().orElseThrow(() -> new ConfigException(Config.ALERT_TOPIC_ARN
                + " is required to send budget alerts"));
        return SnsAlertPublisher.fromEnvironment(config.environment(), topic);
    }

    public Config config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public ReportStore reports() {
        return reports;
    }

    public SpendStore spend() {
        return spend;
    }

    public WatermarkStore watermarks() {
        return watermarks;
    }

    public WorkspaceStore workspaces() {
        return workspaces;
    }

    public ApiKeyStore apiKeys() {
        return apiKeys;
    }

    public BudgetStore budgets() {
        return budgets;
    }

    public AlertStore alerts() {
        return alerts;
    }

    public UsagePricer pricer() {
        return pricer;
    }

    public HeadroomService headroom() {
        return headroom;
    }

    public HoldStore holds() {
        return holds;
    }

    /** Holds against budgets; contention is waited out with real sleeps. */
    public HoldService holdService() {
        return new HoldService(headroom, budgets, holds, clock, Sleeper.SYSTEM, config.runClassDefaultUsd());
    }

    /** An API key's workspace: from its newest stored usage, else from the key list the daily run stores. */
    private KeyWorkspaces keyWorkspaces() {
        return key -> spend.keyWorkspace(key).or(() -> apiKeys.workspaceOf(key));
    }

    /** Notices of loosened budgets (a raised limit, a deletion); nothing in review mode. */
    public ChangeNotices changeNotices() {
        return alertsEnabled ? ChangeNotices.through(onceNotices()) : ChangeNotices.OFF;
    }

    /** Finance-style exports of the stored reports. */
    public Reports spendReports() {
        return new Reports(reports, workspaces, apiKeys, watermarks);
    }

    /** What the dashboard shows. */
    public DashboardData dashboardData() {
        return new DashboardData(budgets, calculator, spend, workspaces, apiKeys, alerts, watermarks, reconciliation(),
                clock, config.staleAfter(), forecasts, anomalies, insights());
    }

    /** Every estimate set against the bill. */
    public Reconciliation reconciliation() {
        return new Reconciliation(reports, provisional, estimates, workspaces, watermarks);
    }

    /** The prices learned from the bill. */
    public CalibrationStore calibrations() {
        return calibrations;
    }

    /** What headroom said of each day before it settled. */
    public ProvisionalStore provisional() {
        return provisional;
    }

    /** Imported client-side estimates. */
    public EstimateStore estimates() {
        return estimates;
    }

    /** Learning prices from the bill and re-pricing what is not settled yet, after each cost-report run. */
    public PriceCalibration priceCalibration() {
        return new PriceCalibration(reports, spend, watermarks, calibrations, provisional, pricer, clock);
    }

    /** Drift notices after each cost-report run; nothing in review mode. */
    public AfterSettle driftNotices() {
        return alertsEnabled ? new DriftNotices(provisional, reports, onceNotices(), driftAlertPercent)
                : AfterSettle.NOTHING;
    }

    public AnomalyStore anomalies() {
        return anomalies;
    }

    /** Who spends and what would be cheaper, from the stored usage rows. */
    public Insights insights() {
        return new Insights(reports, workspaces, pricer, calibrations);
    }

    /**
     * The anomaly check after each cost run; in review mode anomalies are still stored (the stack stores the same
     * ones) but nothing is claimed or sent.
     */
    public AnomalyScan anomalyScan() {
        return new AnomalyScan(spend, reports, watermarks, workspaces, anomalies, pricer,
                alertsEnabled ? Optional.of(onceNotices()) : Optional.empty(), clock, config.anomalyFloorUsd());
    }

    public synchronized AlertPublisher alertPublisher() {
        if (publisherInstance == null) {
            publisherInstance = Objects.requireNonNull(publisher.get(), "alert publisher");
        }
        return publisherInstance;
    }

    public ThresholdAlerts thresholdAlerts() {
        return new ThresholdAlerts(alerts, message -> alertPublisher().publish(message), clock,
                config.alertLease());
    }

    public NoticeStore notices() {
        return notices;
    }

    /**
     * Notices sent at most once per key through the alert topic (drift, anomalies, forecasts, budget changes, ...).
     * In review mode nothing is claimed or sent: callers must check {@link #alertsEnabled()}.
     */
    public OnceNotices onceNotices() {
        return new OnceNotices(notices, message -> alertPublisher().publish(message), clock, config.alertLease());
    }

    /** What headroom answers and ingest runs use: the threshold alerts, or nothing in review mode. */
    public AlertEvaluation alertEvaluation() {
        return alertsEnabled ? thresholdAlerts() : AlertEvaluation.OFF;
    }

    /** The notice that a new period re-armed a budget that alerted in the last one. */
    public ResetNotices resetNotices() {
        return new ResetNotices(alerts, onceNotices());
    }

    /**
     * After every ingest run: reset notices, then thresholds and forecasts, for every budget, and each budget's metrics; nothing in
     * review mode.
     */
    public AfterIngest budgetAlerts() {
        if (!alertsEnabled) {
            return AfterIngest.NOTHING;
        }
        ResetNotices resets = resetNotices();
        AlertEvaluation thresholdsAndForecasts = AlertEvaluation.all(thresholdAlerts(),
                new ForecastAlerts(onceNotices(), alerts));
        return new BudgetAlerts(headroom, answer -> resets.evaluate(answer) + thresholdsAndForecasts.evaluate(answer),
                metrics);
    }

    /** Where the functions' CloudWatch metrics go; {@link Metrics#NONE} unless a handler asked for them. */
    public Metrics metrics() {
        return metrics;
    }

    /** False in review mode: thresholds are neither claimed nor published. */
    public boolean alertsEnabled() {
        return alertsEnabled;
    }

    /** The cost report run, as the daily function, local mode and the CLI run it. */
    public CostReportJob costReportJob() {
        return new CostReportJob(adminReports(), reports, watermarks, workspaces, apiKeys, priceCalibration(),
                driftNotices(), AfterIngest.all(budgetAlerts(), anomalyScan()), clock, config.costLookbackDays());
    }

    /** The usage report run, as the hourly function, local mode and the CLI run it. */
    public UsageReportJob usageReportJob() {
        return new UsageReportJob(adminReports(), reports, watermarks, pricer, calibrations, budgetAlerts(), clock,
                config.usageLookbackHours(), config.usagePageHours());
    }

    public IngestJob ingestJob(ReportKind report) {
        return switch (report) {
            case COST -> costReportJob()::run;
            case USAGE -> usageReportJob()::run;
        };
    }

    /** The deployed API's routes, in matching order. */
    public ApiRouter router(boolean requireIamCaller) {
        return router(requireIamCaller, List.of());
    }

    /** The deployed routes plus {@code extra} groups (local mode adds its pull routes). */
    public ApiRouter router(boolean requireIamCaller, List<Function<ApiRequest, Optional<ApiResponse>>> extra) {
        BudgetRoutes budgetRoutes = new BudgetRoutes(budgets, headroom, alertEvaluation(), alerts, changeNotices(),
                clock, metrics, workspaces, apiKeys);
        HoldRoutes holdRoutes = new HoldRoutes(holdService());
        ReportRoutes reportRoutes = new ReportRoutes(spendReports(), dashboardData(), watermarks, clock,
                config.staleAfter());
        ReconciliationRoutes reconciliationRoutes = new ReconciliationRoutes(reconciliation());
        EstimateRoutes estimateRoutes = new EstimateRoutes(estimates, clock);
        InsightRoutes insightRoutes = new InsightRoutes(insights(), anomalies, clock);
        List<Function<ApiRequest, Optional<ApiResponse>>> routes = new ArrayList<>(List.of(budgetRoutes::handle,
                holdRoutes::handle, reportRoutes::handle, reconciliationRoutes::handle, estimateRoutes::handle,
                insightRoutes::handle));
        routes.addAll(extra);
        return new ApiRouter(routes, requireIamCaller);
    }

    /** The Admin API client, built on first use (only the ingest functions need the admin key). */
    public synchronized AdminReports adminReports() {
        if (adminReportsInstance == null) {
            adminReportsInstance = Objects.requireNonNull(adminReports.get(), "admin reports");
        }
        return adminReportsInstance;
    }

    /** Options for local mode and tests. */
    public static final class Builder {
        private final Config config;
        private Clock clock = Clock.systemUTC();
        private DynamoDbClient dynamo;
        private Supplier<AlertPublisher> publisher;
        private Supplier<AdminReports> adminReports;
        private boolean alertsEnabled = true;
        private Metrics metrics = Metrics.NONE;

        private Builder(Config config) {
            this.config = Objects.requireNonNull(config);
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        public Builder dynamo(DynamoDbClient value) {
            this.dynamo = Objects.requireNonNull(value);
            return this;
        }

        public Builder alertPublisher(AlertPublisher value) {
            Objects.requireNonNull(value);
            this.publisher = () -> value;
            return this;
        }

        public Builder adminReports(Supplier<AdminReports> value) {
            this.adminReports = Objects.requireNonNull(value);
            return this;
        }

        /** CloudWatch metrics (the Lambda functions); local mode and the CLI record none. */
        public Builder metrics(Metrics value) {
            this.metrics = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Review mode: answers and ingest runs never evaluate thresholds, so nothing is claimed or sent. A deployed
         * stack's table reviewed from a terminal uses it unless the stack's topic is given.
         */
        public Builder withoutAlerts() {
            this.alertsEnabled = false;
            return this;
        }

        public Components build() {
            return new Components(this);
        }
    }
}
