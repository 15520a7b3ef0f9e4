package org.costobservatory.local.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.config.Config;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.local.demo.DemoAdminApi;
import org.costobservatory.local.demo.DemoOrganisation;
import org.costobservatory.log.Log;
import org.costobservatory.pricing.PriceBasis;
import org.costobservatory.store.ProvisionalDay;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.time.Deadline;
import org.costobservatory.wiring.Components;

/**
 * How close provisional spend comes to the bill on the demo organisation (a discount on Sonnet, an unlisted model
 * from {@link DemoOrganisation#UNLISTED_FROM}, US-only inference in one workspace). It runs the real jobs day by day
 * against the demo Admin API on DynamoDB Local, as the schedules would (usage at 02:10, cost at 02:30), starting a
 * week before the first day reported so prices have been learned; then, for each of the last days, it sets what
 * headroom said of the day just before it settled against the bill: as calibrated, and at list prices only (the same
 * usage at list price, or at a stand-in's for the unlisted model). Run with {@code scripts/bench-accuracy.sh
 * [last-day] [days]}; this prints figures, it is not a test.
 */
public final class AccuracyBenchmark {
    private static final int WARM_UP_DAYS = 8;
    private static final MathContext CONTEXT = MathContext.DECIMAL64;

    private AccuracyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        LocalDate last = args.length > 0 ? LocalDate.parse(args[0]) : DemoOrganisation.UNLISTED_FROM.plusDays(13);
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 14;
        LocalDate first = last.minusDays(days - 1);
        Log.setLevel(Log.Level.ERROR);
        LocalDate start = first.minusDays(WARM_UP_DAYS);
        MutableClock clock = new MutableClock(start.atStartOfDay(ZoneOffset.UTC).toInstant());
        long began = System.nanoTime();
        try (DynamoDbLocal local = DynamoDbLocal.privateInstance();
             DemoAdminApi demo = new DemoAdminApi(new DemoOrganisation(), clock, 0)) {
            Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable(),
                            Config.ADMIN_BASE_URL, demo.baseUrl(), Config.ADMIN_KEY, demo.adminKey())))
                    .dynamo(local.client()).clock(clock).alertPublisher(message -> "not sent").build();
            Instant mark = start.atStartOfDay(ZoneOffset.UTC).toInstant();
            components.watermarks().advance(ReportKind.USAGE, mark, mark);
            components.watermarks().advance(ReportKind.COST, mark, mark);
            for (LocalDate day = start; !day.isAfter(last); day = day.plusDays(1)) {
                Instant usageRun = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(10 * 60);
                clock.set(usageRun);
                components.usageReportJob().run(new IngestRequest.Scheduled(usageRun), Deadline.none(clock));
                Instant costRun = usageRun.plusSeconds(20 * 60);
                clock.set(costRun);
                components.costReportJob().run(new IngestRequest.Scheduled(costRun), Deadline.none(clock));
            }
            report(components, first, last, Duration.ofNanos(System.nanoTime() - began));
        }
    }

    private record Day(LocalDate date, BigDecimal billed, BigDecimal calibrated, BigDecimal list,
                       List<String> unpriced) {
        BigDecimal calibratedError() {
            return error(calibrated, billed);
        }

        BigDecimal listError() {
            return error(list, billed);
        }
    }

    private static void report(Components components, LocalDate first, LocalDate last, Duration took) {
        List<Day> days = new ArrayList<>();
        Map<String, BigDecimal[]> models = new TreeMap<>();
        for (LocalDate date = first; !date.isAfter(last); date = date.plusDays(1)) {
            ProvisionalDay figure = components.provisional().day(date)
                    .orElseThrow(() -> new IllegalStateException("no provisional figure kept"));
            BigDecimal billed = BigDecimal.ZERO;
            Map<String, BigDecimal> billedByModel = new HashMap<>();
            for (CostRow row : components.reports().costDay(date).orElseThrow().rows()) {
                billed = billed.add(row.amountCents());
                billedByModel.merge(row.model(), row.amountCents(), BigDecimal::add);
            }
            List<String> unpriced = figure.basis().entrySet().stream()
                    .filter(e -> e.getValue() == PriceBasis.UNPRICED).map(Map.Entry::getKey).toList();
            days.add(new Day(date, billed, figure.total().provisionalCents(), figure.total().listCents(), unpriced));
            billedByModel.forEach((model, cents) -> {
                ProvisionalDay.Amounts estimate = figure.byModel().getOrDefault(model, ProvisionalDay.Amounts.ZERO);
                BigDecimal[] sums = models.computeIfAbsent(model, m -> new BigDecimal[] {BigDecimal.ZERO,
                        BigDecimal.ZERO, BigDecimal.ZERO});
                sums[0] = sums[0].add(cents);
                sums[1] = sums[1].add(estimate.provisionalCents());
                sums[2] = sums[2].add(estimate.listCents());
            });
        }
        System.out.println("Accuracy of provisional spend on the demo organisation: what headroom said of each day "
                + "just before it settled, against the bill");
        System.out.println("(Priority Tier is left out on both sides: the cost report has none of it)");
        System.out.println();
        System.out.printf(Locale.ROOT, "%-10s  %12s  %14s  %8s  %14s  %8s  %s%n", "day", "billed", "calibrated",
                "error", "list only", "error", "models with no price learned yet");
        for (Day day : days) {
            System.out.printf(Locale.ROOT, "%-10s  %12s  %14s  %7s%%  %14s  %7s%%  %s%n", day.date(),
                    usd(day.billed()), usd(day.calibrated()), signed(day.calibratedError()), usd(day.list()),
                    signed(day.listError()), day.unpriced().isEmpty() ? "" : String.join(", ", day.unpriced()));
        }
        System.out.println();
        summary("calibrated", days, Day::calibratedError);
        summary("list prices only", days, Day::listError);
        List<Day> learned = days.stream().filter(day -> day.unpriced().isEmpty()).toList();
        System.out.printf(Locale.ROOT, "%nDays on which every model had a settled day before (%d of %d):%n",
                learned.size(), days.size());
        summary("calibrated", learned, Day::calibratedError);
        summary("list prices only", learned, Day::listError);
        System.out.println();
        System.out.println("By model over the same days (absolute error of the period's total):");
        System.out.printf(Locale.ROOT, "%-28s  %12s  %8s  %8s%n", "model", "billed", "calib.", "list");
        models.forEach((model, sums) -> System.out.printf(Locale.ROOT, "%-28s  %12s  %7s%%  %7s%%%n",
                "none".equals(model) ? "(web search, no model)" : model, usd(sums[0]), error(sums[1], sums[0]).abs().setScale(2, RoundingMode.HALF_UP),
                error(sums[2], sums[0]).abs().setScale(2, RoundingMode.HALF_UP)));
        System.out.printf(Locale.ROOT, "%nSimulated %d days of hourly usage and daily cost runs in %.1f s%n",
                days.size() + WARM_UP_DAYS, took.toMillis() / 1000.0);
    }

    private static void summary(String label, List<Day> days, java.util.function.Function<Day, BigDecimal> error) {
        if (days.isEmpty()) {
            return;
        }
        BigDecimal sum = BigDecimal.ZERO;
        Day worst = days.get(0);
        for (Day day : days) {
            sum = sum.add(error.apply(day).abs());
            if (error.apply(day).abs().compareTo(error.apply(worst).abs()) > 0) {
                worst = day;
            }
        }
        System.out.printf(Locale.ROOT, "  %-17s mean absolute error %6s%%, worst %6s%% (%s)%n", label,
                sum.divide(BigDecimal.valueOf(days.size()), 2, RoundingMode.HALF_UP),
                error.apply(worst).abs().setScale(2, RoundingMode.HALF_UP), worst.date());
    }

    private static BigDecimal error(BigDecimal estimate, BigDecimal billed) {
        return billed.signum() == 0 ? BigDecimal.ZERO
                : estimate.subtract(billed).multiply(BigDecimal.valueOf(100)).divide(billed, CONTEXT);
    }

    private static String signed(BigDecimal percent) {
        BigDecimal rounded = percent.setScale(2, RoundingMode.HALF_UP);
        return (rounded.signum() > 0 ? "+" : "") + rounded.toPlainString();
    }

    private static String usd(BigDecimal cents) {
        return Money.format(Money.centsToUsd(cents));
    }
}
