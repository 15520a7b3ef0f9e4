package org.costobservatory.local.bench;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.budget.Forecast;
import org.costobservatory.budget.Spend;
import org.costobservatory.budget.SpendCalculator;
import org.costobservatory.budget.SpendForecaster;
import org.costobservatory.budget.SpendHistory;
import org.costobservatory.budget.SpendRollups;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.PeriodWindow;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.local.demo.DemoOrganisation;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.DailySpend;

/**
 * The forecast backtest: on the demo organisation and on a synthetic organisation with a trend and a weekly rhythm,
 * forecast each month's end-of-month spend as of the end of days 7, 14 and 21, with the production code
 * ({@link SpendHistory} from rollups built by the ingest rules, {@link SpendCalculator}, {@link SpendForecaster}),
 * and compare with the actual month: mean absolute percentage error of the chosen method and of the plain run rate
 * (month-to-date spend divided by the share of the month elapsed), and how often the actual fell inside the 80 %
 * interval. Run with {@code scripts/bench-forecast.sh}.
 */
public final class ForecastBacktest {
    static final List<Integer> DAYS = List.of(7, 14, 21);
    static final YearMonth FIRST_MONTH = YearMonth.of(2026, 1);
    static final YearMonth LAST_MONTH = YearMonth.of(2026, 10);

    /** A source of usage hours and cost days, as the Admin API would report them. */
    interface Organisation {
        String name();

        List<UsageRow> usage(Instant hour);

        CostDay cost(LocalDate date);

        /** The scopes (and their display names) the backtest forecasts. */
        Map<String, BudgetScope> scopes();
    }

    /** One forecast against its outcome. */
    record Point(String series, YearMonth month, int day, double actual, double chosen, double runRate, double low,
                 double high, String method) {
        double chosenError() {
            return Math.abs(chosen - actual) / actual;
        }

        double runRateError() {
            return Math.abs(runRate - actual) / actual;
        }

        boolean inside() {
            return actual >= low && actual <= high;
        }
    }

    /** Errors over a set of points. */
    record Summary(String series, int points, double chosenMape, double runRateMape, double coverage) {
        static Summary of(String series, List<Point> points) {
            return new Summary(series, points.size(),
                    points.stream().mapToDouble(Point::chosenError).average().orElse(Double.NaN) * 100,
                    points.stream().mapToDouble(Point::runRateError).average().orElse(Double.NaN) * 100,
                    points.stream().filter(Point::inside).count() * 100.0 / Math.max(1, points.size()));
        }
    }

    private final UsagePricer pricer = new UsagePricer(PriceTable.bundled());

    public static void main(String[] args) {
        ForecastBacktest backtest = new ForecastBacktest();
        List<Organisation> organisations = List.of(demo(), new SyntheticOrganisation());
        System.out.printf(Locale.ROOT, "Forecast backtest: months %s to %s, forecasts at the end of days %s, "
                + "against the actual month total%n%n", FIRST_MONTH, LAST_MONTH, DAYS);
        for (Organisation organisation : organisations) {
            List<Point> points = backtest.run(organisation);
            print(organisation.name(), points);
        }
    }

    static void print(String organisation, List<Point> points) {
        System.out.printf(Locale.ROOT, "%s%n  %-26s %6s %14s %14s %16s%n", organisation, "series", "points",
                "MAPE chosen", "MAPE run rate", "80% coverage");
        Map<String, List<Point>> bySeries = new LinkedHashMap<>();
        points.forEach(point -> bySeries.computeIfAbsent(point.series(), s -> new ArrayList<>()).add(point));
        bySeries.forEach((series, list) -> line(Summary.of(series, list)));
        for (int day : DAYS) {
            line(Summary.of("all, day " + day, points.stream().filter(p -> p.day() == day).toList()));
        }
        line(Summary.of("all", points));
        System.out.println();
    }

    private static void line(Summary summary) {
        System.out.printf(Locale.ROOT, "  %-26s %6d %13.2f%% %13.2f%% %15.0f%%%n", summary.series(),
                summary.points(), summary.chosenMape(), summary.runRateMape(), summary.coverage());
    }

    /** Every forecast point of one organisation, each scope a series. */
    List<Point> run(Organisation organisation) {
        LocalDate firstDay = FIRST_MONTH.atDay(1).minusDays(SpendHistory.DAYS);
        LocalDate lastDay = LAST_MONTH.atEndOfMonth();
        Map<SpendScope, Map<LocalDate, DailySpend>> rollups = rollups(organisation, firstDay, lastDay);
        List<Point> points = new ArrayList<>();
        organisation.scopes().forEach((series, scope) -> {
            Budget budget = new Budget(series, new BigDecimal("1000000000"), BudgetPeriod.MONTHLY, ZoneId.of("UTC"),
                    scope, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                    Optional.empty(), Optional.empty());
            Map<LocalDate, DailySpend> days = rollups.getOrDefault(scope.rollupScope(), Map.of());
            for (YearMonth month = FIRST_MONTH; !month.isAfter(LAST_MONTH); month = month.plusMonths(1)) {
                PeriodWindow period = budget.period().containing(month.atDay(1).atStartOfDay(ZoneOffset.UTC)
                        .toInstant(), budget.timeZone());
                double actual = SpendCalculator.calculate(budget, period, days, Optional.of(month.atEndOfMonth()),
                        Optional.of(period.endInstant())).totalCents().doubleValue();
                for (int day : DAYS) {
                    points.add(point(series, budget, period, days, month, day, actual));
                }
            }
        });
        return points;
    }

    private static Point point(String series, Budget budget, PeriodWindow period, Map<LocalDate, DailySpend> days,
                               YearMonth month, int day, double actual) {
        LocalDate last = month.atDay(day);
        Instant asOf = last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<LocalDate, DailySpend> known = new HashMap<>();
        days.forEach((date, rollup) -> {
            if (!date.isAfter(last)) {
                known.put(date, rollup);
            }
        });
        Spend spend = SpendCalculator.calculate(budget, period, known, Optional.of(last), Optional.of(asOf));
        SpendHistory history = SpendHistory.of(budget, known.values(), last, Optional.of(last));
        Forecast forecast = SpendForecaster.forecast(budget.limitUsd(), period, spend.totalCents(),
                Optional.of(asOf), history);
        double spent = spend.totalCents().doubleValue();
        double runRate = spent * month.lengthOfMonth() / day;
        return new Point(series, month, day, actual, cents(forecast.forecastUsd()), runRate,
                cents(forecast.lowUsd()), cents(forecast.highUsd()), forecast.method());
    }

    private static double cents(Optional<BigDecimal> usd) {
        return usd.orElseThrow().movePointRight(2).doubleValue();
    }

    /** The per-day rollups the ingest jobs would store, by the same rules ({@link SpendRollups}). */
    private Map<SpendScope, Map<LocalDate, DailySpend>> rollups(Organisation organisation, LocalDate from,
                                                               LocalDate to) {
        Map<SpendScope, Map<LocalDate, DailySpend>> result = new HashMap<>();
        for (LocalDate date = from; !date.isAfter(to); date = date.plusDays(1)) {
            Map<SpendScope, SpendRollups.Settled> settled = SpendRollups.settled(organisation.cost(date).rows());
            Map<SpendScope, Map<Integer, Map<String, org.costobservatory.store.HourSpend>>> hours = new HashMap<>();
            Map<SpendScope, Optional<String>> keyWorkspaces = new HashMap<>();
            Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
            for (int hour = 0; hour < 24; hour++) {
                List<PricedUsageRow> priced = new ArrayList<>();
                for (UsageRow row : organisation.usage(start.plus(hour, ChronoUnit.HOURS))) {
                    priced.add(new PricedUsageRow(row, pricer.price(row)));
                }
                int h = hour;
                SpendRollups.usage(priced).forEach((scope, usage) -> {
                    hours.computeIfAbsent(scope, s -> new HashMap<>()).put(h, usage.byModel());
                    keyWorkspaces.put(scope, usage.workspaceId());
                });
            }
            java.util.Set<SpendScope> scopes = new java.util.HashSet<>(settled.keySet());
            scopes.addAll(hours.keySet());
            for (SpendScope scope : scopes) {
                SpendRollups.Settled day = settled.getOrDefault(scope, SpendRollups.Settled.EMPTY);
                result.computeIfAbsent(scope, s -> new HashMap<>()).put(date, new DailySpend(date, scope,
                        scope.kind() == SpendScope.Kind.API_KEY ? Optional.empty() : Optional.of(day.cents()),
                        day.byModel(), hours.getOrDefault(scope, Map.of()),
                        keyWorkspaces.getOrDefault(scope, Optional.empty())));
            }
        }
        return result;
    }

    static Organisation demo() {
        DemoOrganisation organisation = new DemoOrganisation();
        Map<String, BudgetScope> scopes = new LinkedHashMap<>();
        scopes.put("organisation", BudgetScope.ORGANISATION);
        scopes.put("Support Bot", workspace(DemoOrganisation.SUPPORT));
        scopes.put("Nightly Batch", workspace(DemoOrganisation.BATCH));
        scopes.put("Research Agents", workspace(DemoOrganisation.RESEARCH));
        scopes.put("Default workspace", workspace("default"));
        scopes.put("Research, Opus only", new BudgetScope(Optional.of(DemoOrganisation.RESEARCH), Optional.empty(),
                Optional.of("claude-opus")));
        return new Organisation() {
            @Override
            public String name() {
                return "Demo organisation (flat, daily and weekly rhythm, one incident a month)";
            }

            @Override
            public List<UsageRow> usage(Instant hour) {
                return organisation.usage(hour);
            }

            @Override
            public CostDay cost(LocalDate date) {
                return organisation.cost(date);
            }

            @Override
            public Map<String, BudgetScope> scopes() {
                return scopes;
            }
        };
    }

    static BudgetScope workspace(String id) {
        return new BudgetScope(Optional.of(id), Optional.empty(), Optional.empty());
    }

    /**
     * A growing organisation: a product workspace whose traffic grows 25 % a month, busy on weekdays and quiet at
     * weekends, a batch workspace that is flat every night, and a research workspace that shrinks 10 % a month; each
     * hour wobbles by up to ±30 % and each day by up to ±15 % (deterministic, so every run sees the same).
     */
    static final class SyntheticOrganisation implements Organisation {
        static final String PRODUCT = "wrkspc_SyntheticProduct";
        static final String BATCH = "wrkspc_SyntheticBatch";
        static final String RESEARCH = "wrkspc_SyntheticResearch";
        private static final LocalDate ORIGIN = LocalDate.of(2026, 1, 1);
        private static final String SONNET = "claude-sonnet-4-6";
        private static final String HAIKU = "claude-haiku-4-5";
        private static final String OPUS = "claude-opus-4-6";
        private final UsagePricer pricer = new UsagePricer(PriceTable.bundled());

        @Override
        public String name() {
            return "Synthetic organisation (+25 %/month product, flat batch, -10 %/month research; weekly rhythm)";
        }

        @Override
        public Map<String, BudgetScope> scopes() {
            Map<String, BudgetScope> scopes = new LinkedHashMap<>();
            scopes.put("organisation", BudgetScope.ORGANISATION);
            scopes.put("product (growing)", workspace(PRODUCT));
            scopes.put("batch (flat)", workspace(BATCH));
            scopes.put("research (shrinking)", workspace(RESEARCH));
            return scopes;
        }

        @Override
        public List<UsageRow> usage(Instant hour) {
            LocalDate date = hour.atOffset(ZoneOffset.UTC).toLocalDate();
            int h = hour.atOffset(ZoneOffset.UTC).getHour();
            double months = ChronoUnit.DAYS.between(ORIGIN, date) / 30.4;
            boolean weekend = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
            double day = 0.85 + 0.3 * wobble(date.toEpochDay(), 7);
            List<UsageRow> rows = new ArrayList<>();
            double office = h >= 8 && h < 20 ? 0.4 + 0.6 * Math.sin((h - 8) / 12.0 * Math.PI) : 0.08;
            double product = Math.pow(1.25, months) * (weekend ? 0.3 : 1.0) * office * day;
            add(rows, hour, PRODUCT, "apikey_SyntheticProduct", SONNET, product * 3_000_000, 1);
            double batch = h >= 0 && h < 4 ? 1.0 : 0;
            add(rows, hour, BATCH, "apikey_SyntheticBatch", HAIKU, batch * 20_000_000
                    * (0.9 + 0.2 * wobble(date.toEpochDay(), 11)), 2);
            double research = Math.pow(0.9, months) * (weekend ? 0.1 : 1.0) * office * day;
            add(rows, hour, RESEARCH, "apikey_SyntheticResearch", OPUS, research * 600_000, 3);
            return rows;
        }

        private static void add(List<UsageRow> rows, Instant hour, String workspace, String key, String model,
                                double input, int stream) {
            long tokens = Math.round(input * (0.7 + 0.6 * wobble(hour.getEpochSecond() / 3600, stream)));
            if (tokens <= 0) {
                return;
            }
            rows.add(new UsageRow(hour, workspace, key, model, "standard", "0-200k", tokens, tokens * 2, tokens / 20,
                    0, tokens / 6, 0));
        }

        @Override
        public CostDay cost(LocalDate date) {
            Map<String, BigDecimal> byLine = new LinkedHashMap<>();
            Map<String, UsageRow> sample = new HashMap<>();
            Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
            for (int hour = 0; hour < 24; hour++) {
                for (UsageRow row : usage(start.plus(hour, ChronoUnit.HOURS))) {
                    String line = row.workspaceId() + "|" + row.model();
                    byLine.merge(line, pricer.price(row).cents(), BigDecimal::add);
                    sample.put(line, row);
                }
            }
            List<CostRow> rows = new ArrayList<>();
            byLine.forEach((line, cents) -> {
                UsageRow row = sample.get(line);
                rows.add(new CostRow(date, row.workspaceId(), row.model() + " usage", "tokens", row.model(),
                        "standard", null, "0-200k", "not_available", "USD", cents));
            });
            return new CostDay(date, rows);
        }

        /** A deterministic number in [0, 1) from a counter and a stream. */
        static double wobble(long counter, int stream) {
            long x = counter * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L;
            x ^= (x >>> 30);
            x *= 0xBF58476D1CE4E5B9L;
            x ^= (x >>> 27);
            x *= 0x94D049BB133111EBL;
            x ^= (x >>> 31);
            return (x >>> 11) / (double) (1L << 53);
        }
    }
}
