package org.costobservatory.functions.budgetcheck.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.costobservatory.config.Config;
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
 * Headroom latency through the real handler against one bare GetItem on the same DynamoDB Local, with one day and
 * with 400 days of stored history. Run with {@code scripts/bench-headroom.sh [iterations]}; a measurement, not a
 * test.
 */
public final class HeadroomBenchmark {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Log.setLevel(Log.Level.WARN);
        DynamoDbLocal local = DynamoDbLocal.shared();
        DynamoDbClient dynamo = local.client();
        System.out.printf(Locale.ROOT, "Cost Observatory headroom benchmark: %,d calls each, DynamoDB Local over HTTP%n%n",
                iterations);
        System.out.printf(Locale.ROOT, "%-14s %-24s %9s %9s %9s %9s%n", "history", "call", "p50 ms", "p99 ms",
                "mean ms", "items");
        for (int days : new int[] {1, 400}) {
            String table = local.newTable();
            Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                    .dynamo(dynamo).clock(Clock.fixed(NOW, ZoneOffset.UTC)).alertPublisher(message -> "bench")
                    .build();
            long seeded = seed(components, days);
            BudgetCheckHandler handler = new BudgetCheckHandler(components.router(true));
            APIGatewayV2HTTPEvent put = EventLoader.loadApiGatewayHttpEvent("events/put-budget.json");
            put.setBody("{\"limit_usd\": 1000, \"period\": \"monthly\", \"scope\": {\"workspace_id\": \"default\"}}");
            handler.handleRequest(put, new TestContext());
            APIGatewayV2HTTPEvent headroom = EventLoader.loadApiGatewayHttpEvent("events/headroom.json");

            Map<String, AttributeValue> key = Map.of(Keys.PK, AttributeValue.fromS(Keys.BUDGET), Keys.SK,
                    AttributeValue.fromS("team-agents"));
            Runnable bare = () -> dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true));
            Runnable check = () -> {
                int status = handler.handleRequest(headroom, new TestContext()).getStatusCode();
                if (status != 200) {
                    throw new IllegalStateException("headroom answered " + status);
                }
            };
            double[] bareTimes = time(bare, iterations);
            double[] checkTimes = time(check, iterations);
            print(days + (days == 1 ? " day" : " days"), "bare GetItem", bareTimes, seeded);
            print("", "headroom via handler", checkTimes, seeded);
            System.out.printf(Locale.ROOT, "%-14s %-24s %9.2f %9.2f %9.2f%n%n", "", "ratio handler/GetItem",
                    percentile(checkTimes, 50) / percentile(bareTimes, 50),
                    percentile(checkTimes, 99) / percentile(bareTimes, 99), mean(checkTimes) / mean(bareTimes));
        }
        System.exit(0);
    }

    /** Stores {@code days} days of history ending yesterday: a cost day and 24 usage hours each. */
    private static long seed(Components components, int days) {
        RunInfo run = RunInfo.manual(ReportKind.COST, NOW);
        LocalDate last = LocalDate.parse("2026-11-23");
        long items = 0;
        for (LocalDate day = last.minusDays(days - 1L); !day.isAfter(last); day = day.plusDays(1)) {
            List<CostRow> rows = new ArrayList<>();
            for (String model : List.of("claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5")) {
                rows.add(new CostRow(day, null, model + " output", "tokens", model, "standard", "output_tokens",
                        "0-200k", "global", "USD", new BigDecimal("1234.5")));
            }
            components.reports().replaceCostDay(new CostDay(day, rows), run);
            items += rows.size() + 1;
            for (int hour = 0; hour < 24; hour++) {
                Instant at = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(hour * 3600L);
                UsageRow row = new UsageRow(at, null, "apikey_01Bench", "claude-opus-4-6", "standard", "0-200k",
                        1000, 5000, 100, 0, 800, 0);
                components.reports().replaceUsageHour(at, List.of(new PricedUsageRow(row,
                        components.pricer().price(row))), run);
                items += 2;
            }
        }
        Instant from = last.minusDays(days - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
        components.watermarks().advance(ReportKind.COST, from, last.plusDays(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant());
        components.watermarks().advance(ReportKind.USAGE, from, NOW.minusSeconds(1800));
        return items;
    }

    private static double[] time(Runnable call, int iterations) {
        for (int i = 0; i < Math.max(200, iterations / 5); i++) {
            call.run();
        }
        double[] millis = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            call.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis;
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static void print(String history, String call, double[] times, long items) {
        System.out.printf(Locale.ROOT, "%-14s %-24s %9.2f %9.2f %9.2f %9s%n", history, call, percentile(times, 50),
                percentile(times, 99), mean(times), history.isEmpty() ? "" : String.format(Locale.ROOT, "%,d", items));
    }

    private HeadroomBenchmark() {
    }
}
