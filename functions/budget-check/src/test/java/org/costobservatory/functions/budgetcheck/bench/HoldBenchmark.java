package org.costobservatory.functions.budgetcheck.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
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
import org.costobservatory.testing.TestContext;
import org.costobservatory.wiring.Components;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * A hold's round trip through the real handler ({@code POST /v1/holds}, then {@code DELETE /v1/holds/{id}}) against
 * one bare {@code TransactWriteItems} of the same shape as a hold's write (a conditional put of a new item and a
 * versioned update of another) on the same DynamoDB Local. Run with {@code scripts/bench-holds.sh [iterations]}; a
 * measurement, not a test.
 */
public final class HoldBenchmark {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Log.setLevel(Log.Level.WARN);
        DynamoDbLocal local = DynamoDbLocal.shared();
        DynamoDbClient dynamo = local.client();
        String table = local.newTable();
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(dynamo).clock(Clock.fixed(NOW, ZoneOffset.UTC)).alertPublisher(message -> "bench").build();
        seed(components);
        BudgetCheckHandler handler = new BudgetCheckHandler(components.router(true));
        APIGatewayV2HTTPEvent put = EventLoader.loadApiGatewayHttpEvent("events/put-budget.json");
        put.setBody("{\"limit_usd\": 1000000, \"period\": \"monthly\", \"scope\": {\"workspace_id\": \"default\"}}");
        handler.handleRequest(put, new TestContext());

        System.out.printf(Locale.ROOT, "Cost Observatory hold benchmark: %,d calls each, one thread, DynamoDB Local "
                + "over HTTP%n%n", iterations);
        System.out.printf(Locale.ROOT, "%-34s %9s %9s %9s%n", "call", "p50 ms", "p99 ms", "mean ms");

        AtomicInteger version = new AtomicInteger();
        IntConsumer bare = i -> {
            TransactWriteItem hold = TransactWriteItem.builder().put(Put.builder().tableName(table)
                    .item(Map.of(Keys.PK, AttributeValue.fromS("BENCH#" + i), Keys.SK, AttributeValue.fromS("HOLD"),
                            "estimate_usd", AttributeValue.fromS("2.50")))
                    .conditionExpression("attribute_not_exists(pk)").build()).build();
            int read = version.getAndIncrement();
            TransactWriteItem ledger = TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(Map.of(Keys.PK, AttributeValue.fromS("BENCH"), Keys.SK, AttributeValue.fromS("LEDGER")))
                    .updateExpression("SET #v = :next")
                    .conditionExpression("attribute_not_exists(#v) OR #v = :read")
                    .expressionAttributeNames(Map.of("#v", "version"))
                    .expressionAttributeValues(Map.of(":read", AttributeValue.fromN(Integer.toString(read)),
                            ":next", AttributeValue.fromN(Integer.toString(read + 1)))).build()).build();
            dynamo.transactWriteItems(b -> b.transactItems(hold, ledger));
        };
        APIGatewayV2HTTPEvent create = EventLoader.loadApiGatewayHttpEvent("events/create-hold.json");
        APIGatewayV2HTTPEvent release = EventLoader.loadApiGatewayHttpEvent("events/release-hold.json");
        String[] ids = new String[1];
        IntConsumer place = i -> {
            create.setBody("{\"budget\": \"team-agents\", \"estimate_usd\": 2.50, \"run_id\": \"bench-" + i + "\"}");
            String body = handler.handleRequest(create, new TestContext()).getBody();
            try {
                JsonNode hold = Json.mapper().readTree(body);
                if (!hold.has("hold_id")) {
                    throw new IllegalStateException("no hold: " + body);
                }
                ids[0] = hold.get("hold_id").asText();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        };
        IntConsumer free = i -> {
            release.setRawPath("/v1/holds/" + ids[0]);
            int status = handler.handleRequest(release, new TestContext()).getStatusCode();
            if (status != 204) {
                throw new IllegalStateException("release answered " + status);
            }
        };

        int warmup = Math.max(200, iterations / 5);
        double[] bareTimes = time(bare, warmup, iterations);
        double[] placeTimes = new double[iterations];
        double[] releaseTimes = new double[iterations];
        double[] roundTrips = new double[iterations];
        for (int i = -warmup; i < iterations; i++) {
            long start = System.nanoTime();
            place.accept(i + warmup * 10);
            long placed = System.nanoTime();
            free.accept(i);
            long end = System.nanoTime();
            if (i >= 0) {
                placeTimes[i] = (placed - start) / 1e6;
                releaseTimes[i] = (end - placed) / 1e6;
                roundTrips[i] = (end - start) / 1e6;
            }
        }
        Arrays.sort(placeTimes);
        Arrays.sort(releaseTimes);
        Arrays.sort(roundTrips);
        print("bare TransactWriteItems (2 items)", bareTimes);
        print("POST /v1/holds via handler", placeTimes);
        print("DELETE /v1/holds/{id} via handler", releaseTimes);
        print("hold round trip via handler", roundTrips);
        System.out.printf(Locale.ROOT, "%-34s %9.2f %9.2f %9.2f%n", "ratio round trip/TransactWriteItems",
                percentile(roundTrips, 50) / percentile(bareTimes, 50),
                percentile(roundTrips, 99) / percentile(bareTimes, 99), mean(roundTrips) / mean(bareTimes));
        System.exit(0);
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

    private static double[] time(IntConsumer call, int warmup, int iterations) {
        for (int i = 0; i < warmup; i++) {
            call.accept(-1 - i);
        }
        double[] millis = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            call.accept(i);
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

    private static void print(String call, double[] times) {
        System.out.printf(Locale.ROOT, "%-34s %9.2f %9.2f %9.2f%n", call, percentile(times, 50),
                percentile(times, 99), mean(times));
    }

    private HoldBenchmark() {
    }
}
