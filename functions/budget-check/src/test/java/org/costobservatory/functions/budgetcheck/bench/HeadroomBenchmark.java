package org.costobservatory.functions.budgetcheck.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.functions.budgetcheck.BudgetCheckHandler;
import org.costobservatory.log.Log;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.dynamodb.Keys;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.TestContext;
import org.costobservatory.wiring.Components;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Headroom latency through the real handler against one bare consistent GetItem on the same DynamoDB Local, with
 * one day and with 400 days of stored history. Fair by construction: the two calls alternate in a random order
 * within each pair (so JIT warm-up and machine load hit both alike), both histories hold the same budget state
 * (the limit is sized so the budget stands at 40 %: no threshold crossed, no alert records read), logging runs at
 * the production level into a discarding sink, and every measurement is repeated, printing the spread. Run with
 * {@code scripts/bench-headroom.sh [pairs] [rounds]}; a measurement, not a test.
 */
public final class HeadroomBenchmark {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    private static final BigDecimal TARGET_PERCENT = new BigDecimal("40");

    public static void main(String[] args) throws IOException {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Log.setLevel(Log.Level.INFO);
        Log.setOutput(line -> { });
        DynamoDbLocal local = DynamoDbLocal.shared();
        DynamoDbClient dynamo = local.client();
        System.out.printf(Locale.ROOT, "Cost Observatory headroom benchmark: %,d interleaved pairs x %d rounds, "
                + "DynamoDB Local over HTTP, log level INFO%n%n", pairs, rounds);
        System.out.printf(Locale.ROOT, "%-10s %-22s %9s %9s %9s   %s%n", "history", "call", "p50 ms", "p99 ms",
                "mean ms", "ratio p50 / p99 (spread over rounds)");
        double[] handlerP50ByHistory = new double[2];
        int index = 0;
        for (int days : new int[] {1, 400}) {
            String table = local.newTable();
            Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                    .dynamo(dynamo).clock(Clock.fixed(NOW, ZoneOffset.UTC)).alertPublisher(message -> "bench")
                    .build();
            seed(components, days);
            Budget budget = sizedBudget(components);
            components.budgets().put(budget);
            BudgetCheckHandler handler = new BudgetCheckHandler(components.router(true));
            // The event's bytes as Lambda hands them over: the timed call parses them and writes the response JSON.
            byte[] headroom;
            try (InputStream in = HeadroomBenchmark.class.getResourceAsStream("/events/headroom.json")) {
                headroom = in.readAllBytes();
            }
            TestContext context = new TestContext();
            Map<String, AttributeValue> key = Map.of(Keys.PK, AttributeValue.fromS(Keys.BUDGET), Keys.SK,
                    AttributeValue.fromS(budget.name()));
            Runnable bare = () -> dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true));
            Runnable check = () -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
                try {
                    handler.handleRequest(new ByteArrayInputStream(headroom), out, context);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (!out.toString(StandardCharsets.UTF_8).startsWith("{\"statusCode\":200,")) {
                    throw new IllegalStateException("headroom answered " + out.toString(StandardCharsets.UTF_8));
                }
            };
            String history = days + (days == 1 ? " day" : " days");
            List<double[]> bareRounds = new ArrayList<>();
            List<double[]> checkRounds = new ArrayList<>();
            interleaved(bare, check, Math.max(500, pairs / 4), new Random(days));   // warm both alike
            for (int round = 0; round < rounds; round++) {
                double[][] times = interleaved(bare, check, pairs, new Random(31L * round + days));
                bareRounds.add(times[0]);
                checkRounds.add(times[1]);
            }
            double[] bareAll = concat(bareRounds);
            double[] checkAll = concat(checkRounds);
            print(history, "bare GetItem", bareAll, "");
            print("", "headroom via handler", checkAll, spread(bareRounds, checkRounds));
            handlerP50ByHistory[index++] = percentile(checkAll, 50);
            System.out.println();
        }
        System.out.printf(Locale.ROOT, "flatness: headroom p50 with 400 days / with 1 day = %.2f%n",
                handlerP50ByHistory[1] / handlerP50ByHistory[0]);
        System.exit(0);
    }

    /** @return {bare times, check times}, each sorted; each pair runs the two calls in a random order */
    private static double[][] interleaved(Runnable bare, Runnable check, int pairs, Random random) {
        double[] bareTimes = new double[pairs];
        double[] checkTimes = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            if (random.nextBoolean()) {
                bareTimes[i] = time(bare);
                checkTimes[i] = time(check);
            } else {
                checkTimes[i] = time(check);
                bareTimes[i] = time(bare);
            }
        }
        Arrays.sort(bareTimes);
        Arrays.sort(checkTimes);
        return new double[][] {bareTimes, checkTimes};
    }

    private static double time(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1e6;
    }

    /** The budget the headroom event asks about, its limit chosen so it stands at {@link #TARGET_PERCENT}. */
    private static Budget sizedBudget(Components components) {
        Budget probe = budget(BigDecimal.ONE);
        BigDecimal spent = components.headroom().answer(probe, BigDecimal.ZERO).spentUsd();
        BigDecimal limit = spent.multiply(BigDecimal.valueOf(100)).divide(TARGET_PERCENT, 2, RoundingMode.CEILING);
        return budget(limit);
    }

    private static Budget budget(BigDecimal limit) {
        return new Budget("team-agents", limit, BudgetPeriod.MONTHLY, ZoneOffset.UTC, BudgetScope.ORGANISATION,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** Stores {@code days} days of history ending yesterday: a cost day and 24 usage hours each. */
    private static void seed(Components components, int days) {
        RunInfo run = RunInfo.manual(ReportKind.COST, NOW);
        LocalDate last = LocalDate.parse("2026-11-23");
        for (LocalDate day = last.minusDays(days - 1L); !day.isAfter(last); day = day.plusDays(1)) {
            List<CostRow> rows = new ArrayList<>();
            for (String model : List.of("claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5")) {
                rows.add(new CostRow(day, null, model + " output", "tokens", model, "standard", "output_tokens",
                        "0-200k", "global", "USD", new BigDecimal("1234.5")));
            }
            components.reports().replaceCostDay(new CostDay(day, rows), run);
            for (int hour = 0; hour < 24; hour++) {
                Instant at = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(hour * 3600L);
                UsageRow row = new UsageRow(at, null, "apikey_01Bench", "claude-opus-4-6", "standard", "0-200k",
                        1000, 5000, 100, 0, 800, 0);
                components.reports().replaceUsageHour(at, List.of(new PricedUsageRow(row,
                        components.pricer().price(row))), run);
            }
        }
        Instant from = last.minusDays(days - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
        components.watermarks().advance(ReportKind.COST, from, last.plusDays(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant());
        components.watermarks().advance(ReportKind.USAGE, from, NOW.minusSeconds(1800));
    }

    private static String spread(List<double[]> bare, List<double[]> check) {
        double[] p50 = new double[bare.size()];
        double[] p99 = new double[bare.size()];
        for (int i = 0; i < bare.size(); i++) {
            p50[i] = percentile(check.get(i), 50) / percentile(bare.get(i), 50);
            p99[i] = percentile(check.get(i), 99) / percentile(bare.get(i), 99);
        }
        Arrays.sort(p50);
        Arrays.sort(p99);
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f) / %.2f (%.2f-%.2f)", p50[p50.length / 2], p50[0],
                p50[p50.length - 1], p99[p99.length / 2], p99[0], p99[p99.length - 1]);
    }

    private static double[] concat(List<double[]> rounds) {
        double[] all = rounds.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
        return all;
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static void print(String history, String call, double[] times, String ratio) {
        System.out.printf(Locale.ROOT, "%-10s %-22s %9.2f %9.2f %9.2f   %s%n", history, call, percentile(times, 50),
                percentile(times, 99), mean(times), ratio);
    }

    private HeadroomBenchmark() {
    }
}
