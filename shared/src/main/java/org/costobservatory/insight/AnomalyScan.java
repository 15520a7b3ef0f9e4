package org.costobservatory.insight;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.costobservatory.alert.NoticeMessages;
import org.costobservatory.alert.OnceNotices;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.ingest.AfterIngest;
import org.costobservatory.log.Log;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.Anomaly;
import org.costobservatory.store.AnomalyStore;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.HourSpend;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.SpendStore;
import org.costobservatory.store.StoredUsageHour;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.store.WorkspaceStore;

/**
 * After each cost run: every settled day of the run's window (at most the last {@value #MAX_DAYS}) is checked for
 * anomalies per workspace, API key and model ({@link AnomalyDetector}), the day's result is stored (an empty one
 * too: the day was checked), and each anomalous (scope, day) is announced once. A day is checked only when the cost
 * report is stored for the 7 days before it, so a fresh install does not call everything new.
 *
 * <p>Reads: one Query of the organisation's rollups and one per workspace and API key (each at most
 * {@value AnomalyDetector#NEW_AFTER_DAYS} + {@value #MAX_DAYS} small items), and, only for a day with an anomaly, the
 * usage rows of that day and the 7 before to explain it.
 */
public final class AnomalyScan implements AfterIngest {
    static final int MAX_DAYS = 14;
    /** The most anomalies one day stores and announces (the largest first), to keep the day's item small. */
    static final int MAX_PER_DAY = 100;
    private static final Log LOG = Log.get(AnomalyScan.class);

    private final SpendStore spend;
    private final ReportStore reports;
    private final WatermarkStore watermarks;
    private final WorkspaceStore workspaces;
    private final AnomalyStore anomalies;
    private final UsagePricer pricer;
    private final Optional<OnceNotices> notices;
    private final Clock clock;
    private final BigDecimal floorUsd;

    /** @param notices empty in review mode: anomalies are stored but nothing is claimed or sent */
    public AnomalyScan(SpendStore spend, ReportStore reports, WatermarkStore watermarks, WorkspaceStore workspaces,
                       AnomalyStore anomalies, UsagePricer pricer, Optional<OnceNotices> notices, Clock clock,
                       BigDecimal floorUsd) {
        this.spend = Objects.requireNonNull(spend);
        this.reports = Objects.requireNonNull(reports);
        this.watermarks = Objects.requireNonNull(watermarks);
        this.workspaces = Objects.requireNonNull(workspaces);
        this.anomalies = Objects.requireNonNull(anomalies);
        this.pricer = Objects.requireNonNull(pricer);
        this.notices = Objects.requireNonNull(notices);
        this.clock = Objects.requireNonNull(clock);
        this.floorUsd = Objects.requireNonNull(floorUsd);
    }

    /**
     * Checks the settled days of the last cost run's window whose usage is stored in full (a day whose usage is not
     * yet complete is checked by a later run, within the cost report's look-back).
     */
    @Override
    public int run() {
        Map<ReportKind, Watermark> marks = watermarks.all();
        Optional<Watermark> cost = Optional.ofNullable(marks.get(ReportKind.COST));
        Optional<Watermark> usage = Optional.ofNullable(marks.get(ReportKind.USAGE));
        if (cost.isEmpty() || usage.isEmpty()) {
            return 0;
        }
        // A day is explained from its usage rows, so it waits until the hourly runs have stored all of it.
        LocalDate usageComplete = usage.get().storedThrough().atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1);
        LocalDate last = cost.get().settledThrough().isAfter(usageComplete) ? usageComplete
                : cost.get().settledThrough();
        LocalDate first = cost.get().lastWindowFrom().map(from -> from.atOffset(ZoneOffset.UTC).toLocalDate())
                .filter(from -> !from.isAfter(last)).orElse(last);
        if (last.isBefore(first)) {
            return 0;
        }
        if (first.isBefore(last.minusDays(MAX_DAYS - 1))) {
            first = last.minusDays(MAX_DAYS - 1);
        }
        LocalDate readFrom = first.minusDays(AnomalyDetector.NEW_AFTER_DAYS);
        Map<LocalDate, DailySpend> organisation = byDate(spend.read(SpendScope.ORG, readFrom, last));
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            if (settledWithHistory(organisation, day)) {
                days.add(day);
            }
        }
        if (days.isEmpty()) {
            return 0;
        }
        List<AnomalyDetector.Series> scopes = series(organisation, readFrom, last);
        int sent = 0;
        for (LocalDate day : days) {
            List<AnomalyDetector.Flagged> flagged = AnomalyDetector.flag(scopes, day, floorUsd);
            if (flagged.size() > MAX_PER_DAY) {
                LOG.warn("more anomalies than one day keeps; the largest are kept", "date", day, "count",
                        flagged.size(), "kept", MAX_PER_DAY);
                flagged = flagged.subList(0, MAX_PER_DAY);
            }
            List<Anomaly> found = explain(flagged, day);
            anomalies.put(new AnomalyStore.AnomalyDay(day, clock.instant(), floorUsd, found));
            if (!found.isEmpty()) {
                LOG.info("spend anomalies found", "date", day, "count", found.size());
            }
            for (Anomaly anomaly : found) {
                if (notices.isPresent() && notices.get().send(NoticeMessages.anomalyKey(anomaly),
                        () -> NoticeMessages.anomaly(anomaly, floorUsd))) {
                    sent++;
                }
            }
        }
        return sent;
    }

    /** The day and the 7 before it have the cost report stored. */
    private static boolean settledWithHistory(Map<LocalDate, DailySpend> organisation, LocalDate day) {
        for (int back = 0; back <= AnomalyDetector.TRAILING_DAYS; back++) {
            DailySpend rollup = organisation.get(day.minusDays(back));
            if (rollup == null || rollup.settledCents().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Every workspace, API key and model with its daily spend. */
    private List<AnomalyDetector.Series> series(Map<LocalDate, DailySpend> organisation, LocalDate from,
                                                LocalDate to) {
        Map<String, String> names = workspaces.names();
        List<AnomalyDetector.Series> series = new ArrayList<>();
        for (SpendScope scope : spend.scopes()) {
            if (scope.kind() == SpendScope.Kind.ORG) {
                continue;
            }
            Map<LocalDate, BigDecimal> daily = new TreeMap<>();
            for (DailySpend day : spend.read(scope, from, to)) {
                daily.put(day.date(), total(day, model -> true));
            }
            boolean workspace = scope.kind() == SpendScope.Kind.WORKSPACE;
            String name = workspace ? names.getOrDefault(scope.id(), Dimensions.DEFAULT_WORKSPACE.equals(scope.id())
                    ? Dimensions.DEFAULT_WORKSPACE_NAME : scope.id()) : scope.id();
            series.add(new AnomalyDetector.Series(workspace ? Anomaly.WORKSPACE : Anomaly.API_KEY, scope.id(), name,
                    daily));
        }
        Set<String> models = new TreeSet<>();
        for (DailySpend day : organisation.values()) {
            models.addAll(day.settledByModel().keySet());
            day.usageByHour().values().forEach(hour -> models.addAll(hour.keySet()));
        }
        models.remove(Dimensions.NONE);
        for (String model : models) {
            Map<LocalDate, BigDecimal> daily = new TreeMap<>();
            organisation.forEach((date, day) -> daily.put(date, total(day, model::equals)));
            series.add(new AnomalyDetector.Series(Anomaly.MODEL, model, model, daily));
        }
        return series;
    }

    /**
     * A day's spend by the same rules as the headroom answer: the cost report plus Priority Tier usage where the day
     * is settled, usage at list price otherwise (API keys always).
     */
    static BigDecimal total(DailySpend day, Predicate<String> model) {
        BigDecimal total = BigDecimal.ZERO;
        boolean settled = day.settledCents().isPresent();
        if (settled) {
            if (day.settledByModel().isEmpty()) {
                total = model.test(Dimensions.NONE) ? day.settledCents().get() : BigDecimal.ZERO;
            } else {
                for (Map.Entry<String, BigDecimal> entry : day.settledByModel().entrySet()) {
                    if (model.test(entry.getKey())) {
                        total = total.add(entry.getValue());
                    }
                }
            }
        }
        for (Map<String, HourSpend> hour : day.usageByHour().values()) {
            for (Map.Entry<String, HourSpend> entry : hour.entrySet()) {
                if (model.test(entry.getKey())) {
                    total = total.add(settled ? entry.getValue().priorityCents() : entry.getValue().cents());
                }
            }
        }
        return total;
    }

    /** Each flagged scope with its reasons, from the usage rows of the day and the 7 days before. */
    private List<Anomaly> explain(List<AnomalyDetector.Flagged> flagged, LocalDate day) {
        if (flagged.isEmpty()) {
            return List.of();
        }
        Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, UsageBreakdown> onDay = new HashMap<>();
        Map<String, UsageBreakdown> before = new HashMap<>();
        Set<String> wanted = new TreeSet<>();
        flagged.forEach(f -> wanted.add(f.series().kind() + ":" + f.series().id()));
        for (StoredUsageHour hour : reports.usageHours(dayStart.minusSeconds(AnomalyDetector.TRAILING_DAYS * 86_400L),
                dayStart.plusSeconds(86_400))) {
            Map<String, UsageBreakdown> target = hour.hourStart().isBefore(dayStart) ? before : onDay;
            for (PricedUsageRow priced : hour.rows()) {
                UsageRow row = priced.row();
                Map<TokenType, BigDecimal> costs = null;
                for (String scope : List.of(Anomaly.WORKSPACE + ":" + row.workspaceId(),
                        Anomaly.API_KEY + ":" + row.apiKeyId(), Anomaly.MODEL + ":" + row.model())) {
                    if (!wanted.contains(scope)) {
                        continue;
                    }
                    if (costs == null) {
                        costs = TokenType.costs(row, pricer);
                    }
                    target.computeIfAbsent(scope, s -> new UsageBreakdown()).add(row, priced.price().cents(), costs);
                }
            }
        }
        List<Anomaly> result = new ArrayList<>();
        for (AnomalyDetector.Flagged f : flagged) {
            String scope = f.series().kind() + ":" + f.series().id();
            result.add(AnomalyDetector.explain(f, onDay.getOrDefault(scope, new UsageBreakdown()),
                    before.getOrDefault(scope, new UsageBreakdown())));
        }
        return result;
    }

    private static Map<LocalDate, DailySpend> byDate(List<DailySpend> days) {
        Map<LocalDate, DailySpend> map = new HashMap<>();
        days.forEach(day -> map.put(day.date(), day));
        return map;
    }
}
