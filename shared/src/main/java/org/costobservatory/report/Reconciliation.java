package org.costobservatory.report;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.domain.ClientEstimate;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.store.EstimateStore;
import org.costobservatory.store.ProvisionalDay;
import org.costobservatory.store.ProvisionalStore;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.StoredCostDay;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.store.WorkspaceStore;

/**
 * Every estimate set against the bill, for settled UTC days: the cost report ({@code billed}), the same usage at list
 * price ({@code list_estimate}), what headroom said before the day settled ({@code provisional}), and imported
 * client-side estimates ({@code client}). Each estimate is compared with the bill of the days it covers, so a day
 * without a kept provisional figure, or without imported estimates, does not count against them. Priority Tier is in
 * none of the columns: the cost report has none of it.
 */
public final class Reconciliation {
    /** The longest range one reconciliation reads: a quarter of settled days. */
    public static final int MAX_DAYS = 92;

    /** How lines are grouped. */
    public enum GroupBy {
        DAY, MODEL, TOKEN_TYPE, WORKSPACE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static GroupBy parse(String id) {
            for (GroupBy groupBy : values()) {
                if (groupBy.id().equals(id)) {
                    return groupBy;
                }
            }
            throw new IllegalArgumentException("group_by must be one of day, model, token_type, workspace");
        }
    }

    /**
     * One group's figures in exact cents. An estimate is empty when no day of the group has it; its
     * {@code ...BilledCents} is the bill of the days it covers.
     */
    public record Line(String key, String name, BigDecimal billedCents, Optional<BigDecimal> listCents,
                       Optional<BigDecimal> provisionalCents, BigDecimal provisionalBilledCents,
                       Optional<BigDecimal> clientCents, BigDecimal clientBilledCents) {

        /** (estimate - bill) / bill in percent, two decimals; empty without an estimate or a bill. */
        public Optional<BigDecimal> listDrift() {
            return drift(listCents, provisionalBilledCents);
        }

        public Optional<BigDecimal> provisionalDrift() {
            return drift(provisionalCents, provisionalBilledCents);
        }

        public Optional<BigDecimal> clientDrift() {
            return drift(clientCents, clientBilledCents);
        }

        private static Optional<BigDecimal> drift(Optional<BigDecimal> estimate, BigDecimal billed) {
            if (estimate.isEmpty() || billed.signum() == 0) {
                return Optional.empty();
            }
            return Optional.of(Money.percent(estimate.get().subtract(billed), billed));
        }
    }

    /**
     * @param missingDays           days of the range not settled yet (no cost report stored)
     * @param daysWithoutProvisional settled days with no provisional figure kept (settled before usage was
     *                              complete, or before this version kept them)
     */
    public record Result(LocalDate from, LocalDate to, GroupBy groupBy, List<Line> lines, Line total,
                         List<LocalDate> missingDays, List<LocalDate> daysWithoutProvisional,
                         Optional<LocalDate> settledThrough) {
        public Result {
            lines = List.copyOf(lines);
            missingDays = List.copyOf(missingDays);
            daysWithoutProvisional = List.copyOf(daysWithoutProvisional);
        }
    }

    private final ReportStore reports;
    private final ProvisionalStore provisional;
    private final EstimateStore estimates;
    private final WorkspaceStore workspaces;
    private final WatermarkStore watermarks;

    public Reconciliation(ReportStore reports, ProvisionalStore provisional, EstimateStore estimates,
                          WorkspaceStore workspaces, WatermarkStore watermarks) {
        this.reports = Objects.requireNonNull(reports);
        this.provisional = Objects.requireNonNull(provisional);
        this.estimates = Objects.requireNonNull(estimates);
        this.workspaces = Objects.requireNonNull(workspaces);
        this.watermarks = Objects.requireNonNull(watermarks);
    }

    /** Mutable sums of one group while the days are read. */
    private static final class Sums {
        BigDecimal billed = BigDecimal.ZERO;
        BigDecimal list;
        BigDecimal provisional;
        BigDecimal provisionalBilled = BigDecimal.ZERO;
        BigDecimal client;
        BigDecimal clientBilled = BigDecimal.ZERO;

        void add(Sums day) {
            billed = billed.add(day.billed);
            list = plus(list, day.list);
            provisional = plus(provisional, day.provisional);
            provisionalBilled = provisionalBilled.add(day.provisionalBilled);
            client = plus(client, day.client);
            clientBilled = clientBilled.add(day.clientBilled);
        }

        private static BigDecimal plus(BigDecimal a, BigDecimal b) {
            return a == null ? b : b == null ? a : a.add(b);
        }
    }

    public Result build(LocalDate from, LocalDate to, GroupBy groupBy) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
            throw new IllegalArgumentException("a reconciliation covers at most " + MAX_DAYS + " days");
        }
        Map<LocalDate, ProvisionalDay> figures = new HashMap<>();
        provisional.days(from, to).forEach(day -> figures.put(day.date(), day));
        Map<LocalDate, List<ClientEstimate>> clients = new HashMap<>();
        estimates.days(from, to).forEach(e -> clients.computeIfAbsent(e.date(), d -> new ArrayList<>()).add(e));

        Map<String, Sums> groups = new TreeMap<>();
        Sums total = new Sums();
        List<LocalDate> missing = new ArrayList<>();
        List<LocalDate> withoutProvisional = new ArrayList<>();
        for (LocalDate date = from; !date.isAfter(to); date = date.plusDays(1)) {
            Optional<StoredCostDay> bill = reports.costDay(date);
            if (bill.isEmpty()) {
                missing.add(date);
                continue;
            }
            ProvisionalDay figure = figures.get(date);
            if (figure == null) {
                withoutProvisional.add(date);
            }
            List<ClientEstimate> dayClients = clients.getOrDefault(date, List.of());
            day(date, bill.get().rows(), figure, dayClients, groupBy)
                    .forEach((key, sums) -> groups.computeIfAbsent(key, k -> new Sums()).add(sums));
            total.add(dayTotal(bill.get(), figure, dayClients));
        }
        Map<String, String> names = groupBy == GroupBy.WORKSPACE ? workspaces.names() : Map.of();
        List<Line> lines = new ArrayList<>();
        groups.forEach((key, sums) -> lines.add(line(key, name(groupBy, key, names), sums)));
        return new Result(from, to, groupBy, lines, line("total", "total", total), missing, withoutProvisional,
                watermarks.get(ReportKind.COST).map(Watermark::settledThrough));
    }

    /** One settled day's sums by group. */
    private static Map<String, Sums> day(LocalDate date, List<CostRow> bill, ProvisionalDay figure,
                                         List<ClientEstimate> clients, GroupBy groupBy) {
        Map<String, Sums> groups = new TreeMap<>();
        for (CostRow row : bill) {
            String key = switch (groupBy) {
                case DAY -> date.toString();
                case MODEL -> row.model();
                case WORKSPACE -> row.workspaceId();
                case TOKEN_TYPE -> "tokens".equals(row.costType()) ? row.tokenType() : row.costType();
            };
            groups.computeIfAbsent(key, k -> new Sums()).billed = groups.get(key).billed.add(row.amountCents());
        }
        if (figure != null) {
            Map<String, ProvisionalDay.Amounts> parts = switch (groupBy) {
                case DAY -> Map.of(date.toString(), figure.total());
                case MODEL -> figure.byModel();
                case WORKSPACE -> figure.byWorkspace();
                case TOKEN_TYPE -> figure.byTokenType();
            };
            parts.forEach((key, amounts) -> {
                Sums sums = groups.computeIfAbsent(key, k -> new Sums());
                sums.list = amounts.listCents();
                sums.provisional = amounts.provisionalCents();
            });
            for (Sums sums : groups.values()) {
                if (sums.provisional == null) {
                    sums.list = BigDecimal.ZERO;
                    sums.provisional = BigDecimal.ZERO;
                }
                sums.provisionalBilled = sums.billed;
            }
        }
        // Client estimates carry no token type: they are compared by day, model and workspace only, each group
        // with its own bill on the days it has estimates (an engine that never used a model says nothing of it).
        if (groupBy != GroupBy.TOKEN_TYPE) {
            for (ClientEstimate estimate : clients) {
                String key = switch (groupBy) {
                    case DAY -> date.toString();
                    case MODEL -> estimate.model().orElse(Dimensions.NONE);
                    case WORKSPACE -> estimate.workspaceId().orElse(Dimensions.NONE);
                    case TOKEN_TYPE -> throw new IllegalStateException("checked above");
                };
                Sums sums = groups.computeIfAbsent(key, k -> new Sums());
                sums.client = (sums.client == null ? BigDecimal.ZERO : sums.client).add(estimate.costCents());
                sums.clientBilled = sums.billed;
            }
        }
        return groups;
    }

    /** One settled day's totals: each estimate against the whole day's bill, when the day has it. */
    private static Sums dayTotal(StoredCostDay bill, ProvisionalDay figure, List<ClientEstimate> clients) {
        Sums sums = new Sums();
        sums.billed = bill.totalCents();
        if (figure != null) {
            sums.list = figure.total().listCents();
            sums.provisional = figure.total().provisionalCents();
            sums.provisionalBilled = sums.billed;
        }
        if (!clients.isEmpty()) {
            sums.client = clients.stream().map(ClientEstimate::costCents).reduce(BigDecimal.ZERO, BigDecimal::add);
            sums.clientBilled = sums.billed;
        }
        return sums;
    }

    private static Line line(String key, String name, Sums sums) {
        return new Line(key, name, sums.billed, Optional.ofNullable(sums.list),
                Optional.ofNullable(sums.provisional), sums.provisionalBilled, Optional.ofNullable(sums.client),
                sums.clientBilled);
    }

    private static String name(GroupBy groupBy, String key, Map<String, String> names) {
        if (groupBy == GroupBy.WORKSPACE) {
            return Dimensions.NONE.equals(key) ? "(no workspace given)" : names.getOrDefault(key, key);
        }
        return Dimensions.NONE.equals(key) ? "(none)" : key;
    }
}
