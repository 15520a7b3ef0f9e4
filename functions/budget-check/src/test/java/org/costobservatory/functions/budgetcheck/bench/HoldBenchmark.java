package org.costobservatory.functions.budgetcheck.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.config.Config;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.functions.budgetcheck.BudgetCheckHandler;
import org.costobservatory.json.Json;
import org.costobservatory.log.Log;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.dynamodb.Keys;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.HttpApiCalls;
import org.costobservatory.wiring.Components;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * A hold's round trip through the real handler ({@code POST /v1/holds}, then {@code DELETE /v1/holds/{id}}) against
 * one bare {@code TransactWriteItems} of the same shape as a hold's write (a conditional put of a new item and a
 * versioned update of another) on the same DynamoDB Local. Fair by construction, like the headroom benchmark: the two
 * alternate in a random order within each pair, logging runs at the production level into a discarding sink, and
 * every measurement is repeated, printing the spread. Run with {@code scripts/bench-holds.sh [pairs] [rounds]}; a
 * measurement, not a test.
 */
public final class HoldBenchmark {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Log.setLevel(Log.Level.INFO);
        Log.setOutput(line -> { });
        DynamoDbLocal local = DynamoDbLocal.shared();
        DynamoDbClient dynamo = local.client();
        String table = local.newTable();
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(dynamo).clock(Clock.fixed(NOW, ZoneOffset.UTC)).alertPublisher(message -> "bench").build();
        seed(components);
        BudgetCheckHandler handler = new BudgetCheckHandler(components.router(true));
        APIGatewayV2HTTPEvent put = EventLoader.loadApiGatewayHttpEvent("events/put-budget.json");
        put.setBody("{\"limit_usd\": 1000000, \"period\": \"monthly\", \"scope\": {\"workspace_id\": \"default\"}}");
        HttpApiCalls.call(handler, put);

        AtomicInteger sequence = new AtomicInteger();
        Runnable bare = () -> {
            int i = sequence.getAndIncrement();
            TransactWriteItem hold = TransactWriteItem.builder().put(Put.builder().tableName(table)
                    .item(Map.of(Keys.PK, AttributeValue.fromS("BENCH#" + i), Keys.SK, AttributeValue.fromS("HOLD"),
                            "estimate_usd", AttributeValue.fromS("2.50")))
                    .conditionExpression("attribute_not_exists(pk)").build()).build();
            TransactWriteItem ledger = TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(Map.of(Keys.PK, AttributeValue.fromS("BENCH"), Keys.SK, AttributeValue.fromS("LEDGER")))
                    .updateExpression("SET #v = :next")
                    .conditionExpression("attribute_not_exists(#v) OR #v = :read")
                    .expressionAttributeNames(Map.of("#v", "version"))
                    .expressionAttributeValues(Map.of(":read", AttributeValue.fromN(Integer.toString(i)),
                            ":next", AttributeValue.fromN(Integer.toString(i + 1)))).build()).build();
            dynamo.transactWriteItems(b -> b.transactItems(hold, ledger));
        };
        APIGatewayV2HTTPEvent create = EventLoader.loadApiGatewayHttpEvent("events/create-hold.json");
        APIGatewayV2HTTPEvent release = EventLoader.loadApiGatewayHttpEvent("events/release-hold.json");
        AtomicInteger runs = new AtomicInteger();
        Runnable roundTrip = () -> {
            create.setBody("{\"budget\": \"team-agents\", \"estimate_usd\": 2.50, \"run_id\": \"bench-"
                    + runs.getAndIncrement() + "\"}");
            String body = HttpApiCalls.call(handler, create).getBody();
            JsonNode hold;
            try {
                hold = Json.mapper().readTree(body);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            if (!hold.has("hold_id")) {
                throw new IllegalStateException("no hold: " + body);
            }
            release.setRawPath("/v1/holds/" + hold.get("hold_id").asText());
            int status = HttpApiCalls.call(handler, release).getStatusCode();
            if (status != 204) {
                throw new IllegalStateException("release answered " + status);
            }
        };

        System.out.printf(Locale.ROOT, "Cost Observatory hold benchmark: %,d interleaved pairs x %d rounds, "
                + "DynamoDB Local over HTTP, log level INFO%n%n", pairs, rounds);
        System.out.printf(Locale.ROOT, "%-36s %9s %9s %9s   %s%n", "call", "p50 ms", "p99 ms", "mean ms",
                "ratio p50 / p99 (spread over rounds)");
        interleaved(bare, roundTrip, Math.max(200, pairs / 4), new Random(1));   // warm both alike
        List<double[]> bareRounds = new ArrayList<>();
        List<double[]> holdRounds = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            double[][] times = interleaved(bare, roundTrip, pairs, new Random(31L * round + 7));
            bareRounds.add(times[0]);
            holdRounds.add(times[1]);
        }
        double[] bareAll = concat(bareRounds);
        double[] holdAll = concat(holdRounds);
        print("bare TransactWriteItems (2 items)", bareAll, "");
        print("hold + release via the handler", holdAll, spread(bareRounds, holdRounds));
        System.out.printf(Locale.ROOT, "%nratio of means: %.2f%n", mean(holdAll) / mean(bareAll));
        System.exit(0);
    }

    /** @return {bare times, round-trip times}, each sorted; each pair runs the two in a random order */
    private static double[][] interleaved(Runnable bare, Runnable roundTrip, int pairs, Random random) {
        double[] bareTimes = new double[pairs];
        double[] holdTimes = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            if (random.nextBoolean()) {
                bareTimes[i] = time(bare);
                holdTimes[i] = time(roundTrip);
            } else {
                holdTimes[i] = time(roundTrip);
                bareTimes[i] = time(bare);
            }
        }
        Arrays.sort(bareTimes);
        Arrays.sort(holdTimes);
        return new double[][] {bareTimes, holdTimes};
    }

    private static double time(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1e6;
    }

    /** A day of settled cost in the Default workspace, and fresh watermarks. */
    private static void seed(Components components) {
        LocalDate day = LocalDate.parse("2026-11-23");
        components.reports().replaceCostDay(new CostDay(day, List.of(new CostRow(day, null, "Claude Opus output",
                "tokens", "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD",
                new BigDecimal("7512")))), RunInfo.manual(ReportKind.COST, NOW));
        components.watermarks().advance(ReportKind.COST, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"));
        components.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T10:00:00Z"));
    }

    private static String spread(List<double[]> bare, List<double[]> hold) {
        double[] p50 = new double[bare.size()];
        double[] p99 = new double[bare.size()];
        for (int i = 0; i < bare.size(); i++) {
            p50[i] = percentile(hold.get(i), 50) / percentile(bare.get(i), 50);
            p99[i] = percentile(hold.get(i), 99) / percentile(bare.get(i), 99);
        }
        Arrays.sort(p50);
        Arrays.sort(p99);
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f) / %.2f (%.2f-%.2f)", p50[p50.length / 2], p50[0],
                p50[p50.length - 1], p99[p99.length / 2], p99[0], p99[p99.length - 1]);
    }

    private static double[] concat(List<double[]> rounds) {
        return rounds.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static void print(String call, double[] times, String ratio) {
        System.out.printf(Locale.ROOT, "%-36s %9.2f %9.2f %9.2f   %s%n", call, percentile(times, 50),
                percentile(times, 99), mean(times), ratio);
    }

    private HoldBenchmark() {
    }
}
