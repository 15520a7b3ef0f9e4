package org.costobservatory.ingest;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.budget.SpendRollups;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.log.Log;
import org.costobservatory.pricing.Calibration;
import org.costobservatory.pricing.CalibrationLearner;
import org.costobservatory.pricing.PriceBasis;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.TokenType;
import org.costobservatory.pricing.UsageCost;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.CalibrationStore;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.HourSpend;
import org.costobservatory.store.ProvisionalDay;
import org.costobservatory.store.ProvisionalStore;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.SpendStore;
import org.costobservatory.store.StoredCostDay;
import org.costobservatory.store.StoredUsageHour;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;

/**
 * What every cost-report run does besides storing the bill: it keeps, for each day it settles, what headroom said of
 * that day just before (for reconciliation and drift notices); then it learns effective prices from the last
 * {@link CalibrationLearner#WINDOW_DAYS} settled days and re-prices the hours not settled yet with them, so provisional
 * spend rests on what the bill says things cost. Re-pricing rewrites only the rollups whose figures change; the stored
 * usage rows keep their list price.
 */
public final class PriceCalibration {
    private static final Log LOG = Log.get(PriceCalibration.class);
    /** Never re-price more than this many days past the last settled one (a cost report that stopped for weeks). */
    private static final int MAX_UNSETTLED_DAYS = 8;
    private static final String WEB_SEARCH = "web_search";

    /** What one run learned and changed. */
    public record Outcome(Calibration calibration, int rollupsRepriced) {
    }

    private final ReportStore reports;
    private final SpendStore spend;
    private final WatermarkStore watermarks;
    private final CalibrationStore calibrations;
    private final ProvisionalStore provisional;
    private final UsagePricer pricer;
    private final Clock clock;

    public PriceCalibration(ReportStore reports, SpendStore spend, WatermarkStore watermarks,
                            CalibrationStore calibrations, ProvisionalStore provisional, UsagePricer pricer,
                            Clock clock) {
        this.reports = Objects.requireNonNull(reports);
        this.spend = Objects.requireNonNull(spend);
        this.watermarks = Objects.requireNonNull(watermarks);
        this.calibrations = Objects.requireNonNull(calibrations);
        this.provisional = Objects.requireNonNull(provisional);
        this.pricer = Objects.requireNonNull(pricer);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The prices in force. */
    public Calibration current() {
        return calibrations.current();
    }

    /**
     * Before {@code date}'s bill is stored: records the day's provisional figure, priced with {@code calibration} (the
     * prices in force, learned before this run), unless the day was settled before or its usage is not stored
     * through the day's end (a figure from part of a day would be a false drift).
     *
     * @param settledBefore      the last settled day when the run started (empty on a first run)
     * @param usageStoredThrough where the usage report was stored through when the run started
     * @return true when it recorded the figure
     */
    public boolean recordBeforeSettle(LocalDate date, Optional<LocalDate> settledBefore,
                                      Optional<Instant> usageStoredThrough, Calibration calibration, RunInfo run) {
        if (settledBefore.isPresent() && !date.isAfter(settledBefore.get())) {
            return false;
        }
        Instant dayEnd = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (usageStoredThrough.isEmpty() || usageStoredThrough.get().isBefore(dayEnd)) {
            LOG.info("usage of a settling day is not stored through its end; no provisional figure is kept for it",
                    "date", date, "usage_stored_through", usageStoredThrough.map(Instant::toString).orElse("never"));
            return false;
        }
        ProvisionalDay figures = figures(date, usageRows(date), pricer, calibration, settledBefore);
        return provisional.record(figures, run);
    }

    /**
     * The provisional and list-price figures of a day's usage, as headroom counted them: Priority Tier left out (the
     * bill leaves it out too), web search under model {@code none} and token type {@code web_search}, as the cost
     * report files it.
     */
    public static ProvisionalDay figures(LocalDate date, List<UsageRow> usage, UsagePricer pricer,
                                         Calibration calibration, Optional<LocalDate> settledBefore) {
        ProvisionalDay.Amounts total = ProvisionalDay.Amounts.ZERO;
        Map<String, ProvisionalDay.Amounts> byModel = new TreeMap<>();
        Map<String, ProvisionalDay.Amounts> byWorkspace = new TreeMap<>();
        Map<String, ProvisionalDay.Amounts> byTokenType = new TreeMap<>();
        Map<String, PriceBasis> basis = new TreeMap<>();
        for (UsageRow row : usage) {
            if (SpendRollups.absentFromCostReport(row)) {
                continue;
            }
            UsageCost cost = pricer.cost(row, calibration);
            ProvisionalDay.Amounts tokens = ProvisionalDay.Amounts.ZERO;
            for (TokenType type : TokenType.values()) {
                ProvisionalDay.Amounts part = new ProvisionalDay.Amounts(cost.estimateCents().get(type),
                        cost.listCents().get(type));
                if (part.listCents().signum() == 0 && part.provisionalCents().signum() == 0) {
                    continue;
                }
                byTokenType.merge(type.id(), part, ProvisionalDay.Amounts::plus);
                tokens = tokens.plus(part);
            }
            ProvisionalDay.Amounts search = new ProvisionalDay.Amounts(cost.webSearchCents(), cost.webSearchCents());
            if (search.listCents().signum() != 0) {
                byTokenType.merge(WEB_SEARCH, search, ProvisionalDay.Amounts::plus);
                byModel.merge(Dimensions.NONE, search, ProvisionalDay.Amounts::plus);
                basis.merge(Dimensions.NONE, PriceBasis.LIST, PriceBasis::worse);
            }
            byModel.merge(row.model(), tokens, ProvisionalDay.Amounts::plus);
            basis.merge(row.model(), cost.basis(), PriceBasis::worse);
            ProvisionalDay.Amounts all = tokens.plus(search);
            byWorkspace.merge(row.workspaceId(), all, ProvisionalDay.Amounts::plus);
            total = total.plus(all);
        }
        return new ProvisionalDay(date, total, byModel, byWorkspace, byTokenType, basis, settledBefore);
    }

    /**
     * Learns from the last settled days, stores what it learned, and re-prices the hours after the last settled day.
     * Nothing to do before the first day is settled.
     */
    public Outcome learnAndReprice(RunInfo run) {
        Optional<Watermark> cost = watermarks.get(ReportKind.COST);
        if (cost.isEmpty()) {
            return new Outcome(Calibration.NONE, 0);
        }
        LocalDate to = cost.get().settledThrough();
        LocalDate from = to.minusDays(CalibrationLearner.WINDOW_DAYS - 1);
        CalibrationLearner learner = new CalibrationLearner(pricer);
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            Optional<StoredCostDay> bill = reports.costDay(day);
            if (bill.isPresent()) {
                learner.addDay(day, bill.get().rows(), usageRows(day));
            }
        }
        Calibration learned = learner.learn(from, to);
        Calibration inForce = calibrations.replace(learned, run) ? learned : calibrations.current();
        int repriced = reprice(to.plusDays(1), inForce);
        LOG.info("learned prices from the bill", "window_from", from, "window_to", to, "keys",
                learned.prices().size(), "models", learned.models().size(), "rollups_repriced", repriced);
        return new Outcome(inForce, repriced);
    }

    /** Re-prices the stored hours from {@code firstDay} on; returns how many scope-hours changed. */
    int reprice(LocalDate firstDay, Calibration calibration) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.HOURS);
        LocalDate lastDay = firstDay.plusDays(MAX_UNSETTLED_DAYS - 1);
        int changed = 0;
        for (LocalDate day = firstDay; !day.isAfter(lastDay); day = day.plusDays(1)) {
            Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            if (!dayStart.isBefore(now)) {
                break;
            }
            Map<SpendScope, DailySpend> stored = new HashMap<>();
            for (StoredUsageHour hour : reports.usageDay(day)) {
                Instant hourStart = hour.hourStart();
                int h = hourStart.atOffset(ZoneOffset.UTC).getHour();
                List<PricedUsageRow> priced = new ArrayList<>(hour.rows().size());
                for (PricedUsageRow row : hour.rows()) {
                    priced.add(new PricedUsageRow(row.row(), SpendRollups.estimate(pricer, row.row(), calibration)));
                }
                for (Map.Entry<SpendScope, SpendRollups.Hour> rollup : SpendRollups.usage(priced).entrySet()) {
                    LocalDate date = day;
                    DailySpend current = stored.computeIfAbsent(rollup.getKey(), scope -> spend.read(scope, date,
                            date).stream().findFirst().orElse(DailySpend.empty(date, scope)));
                    if (same(current.usageByHour().get(h), rollup.getValue().byModel())) {
                        continue;
                    }
                    if (reports.repriceHour(rollup.getKey(), hourStart, hour.generation(),
                            rollup.getValue().byModel())) {
                        changed++;
                    }
                }
            }
        }
        return changed;
    }

    private static boolean same(Map<String, HourSpend> stored, Map<String, HourSpend> repriced) {
        if (stored == null || stored.size() != repriced.size()) {
            return false;
        }
        for (Map.Entry<String, HourSpend> model : repriced.entrySet()) {
            if (!model.getValue().sameAs(stored.get(model.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Every usage line of a UTC day, from the stored hours. */
    private List<UsageRow> usageRows(LocalDate date) {
        List<UsageRow> rows = new ArrayList<>();
        for (StoredUsageHour hour : reports.usageDay(date)) {
            hour.rows().forEach(row -> rows.add(row.row()));
        }
        return rows;
    }
}
