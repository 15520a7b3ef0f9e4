package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.alert.AlertMessage;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.budget.SpendCalculator;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.functions.budgetcheck.BudgetCheckHandler;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.UsageReportJob;
import org.costobservatory.json.Json;
import org.costobservatory.local.ApiGatewayAdapter;
import org.costobservatory.local.demo.DemoAdminApi;
import org.costobservatory.local.demo.DemoBudgets;
import org.costobservatory.local.demo.DemoOrganisation;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.time.Deadline;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Load on loopback, bounded in count and time: 200 concurrent headroom requests (five rounds) through the local HTTP
 * adapter and the real handler while the hourly ingest keeps storing new hours. No request may fail, and no answer
 * may be older than the data stored when its request began. Prints p50 and p99.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HeadroomLoadTest {
    private static final int CONCURRENT = 200;
    private static final int ROUNDS = 5;

    @Test
    void twoHundredConcurrentChecksWhileIngestionWrites() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:30:00Z"));
        List<AlertMessage> alerts = new CopyOnWriteArrayList<>();
        try (DemoAdminApi demo = new DemoAdminApi(new DemoOrganisation(), clock, 0)) {
            DynamoDbLocal local = DynamoDbLocal.shared();
            Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable(),
                            "ANTHROPIC_ADMIN_KEY", demo.adminKey(), "ANTHROPIC_ADMIN_BASE_URL", demo.baseUrl())))
                    .dynamo(local.client()).clock(clock).alertPublisher(message -> {
                        alerts.add(message);
                        return "load-" + alerts.size();
                    }).build();
            Deadline deadline = Deadline.none(java.time.Clock.systemUTC());
            components.costReportJob().run(new IngestRequest.Scheduled(clock.instant()), deadline);
            UsageReportJob usage = components.usageReportJob();
            usage.run(new IngestRequest.Scheduled(clock.instant()), deadline);
            for (Budget budget : DemoBudgets.sized(new SpendCalculator(components.spend(), components.watermarks()),
                    clock.instant())) {
                components.budgets().put(budget);
            }
            List<String> queries = new ArrayList<>(List.of("", "estimate_usd=5"));
            components.budgets().list().forEach(b -> queries.add("budget=" + b.name() + "&estimate_usd=1.25"));

            try (ApiGatewayAdapter endpoint = new ApiGatewayAdapter(0,
                    new BudgetCheckHandler(components.router(false)), 16)) {
                AtomicBoolean loading = new AtomicBoolean(true);
                AtomicInteger hoursIngested = new AtomicInteger();
                Thread ingest = new Thread(() -> {
                    while (loading.get()) {
                        clock.advance(Duration.ofHours(1));
                        usage.run(new IngestRequest.Scheduled(clock.instant().truncatedTo(ChronoUnit.HOURS)
                                .plus(Duration.ofMinutes(10))), deadline);
                        hoursIngested.incrementAndGet();
                    }
                }, "ingest-under-load");
                ingest.start();

                HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(32)).build();
                ExecutorService callers = Executors.newFixedThreadPool(CONCURRENT);
                List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
                List<String> problems = new CopyOnWriteArrayList<>();
                long started = System.nanoTime();
                for (int round = 0; round < ROUNDS; round++) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<?>> calls = new ArrayList<>();
                    for (int i = 0; i < CONCURRENT; i++) {
                        String query = queries.get(i % queries.size());
                        calls.add(callers.submit(() -> {
                            go.await();
                            Instant storedBefore = components.watermarks().get(ReportKind.USAGE).orElseThrow()
                                    .storedThrough();
                            long t0 = System.nanoTime();
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                                    endpoint.baseUrl() + "/v1/headroom?" + query)).timeout(Duration.ofSeconds(60))
                                    .build(), HttpResponse.BodyHandlers.ofString());
                            latencies.add((System.nanoTime() - t0) / 1e6);
                            if (response.statusCode() != 200) {
                                problems.add(query + " -> HTTP " + response.statusCode() + " " + response.body());
                                return null;
                            }
                            JsonNode answer = Json.mapper().readTree(response.body());
                            List<JsonNode> answers = new ArrayList<>();
                            if (answer.has("budgets")) {
                                answer.get("budgets").forEach(answers::add);
                            } else {
                                answers.add(answer);
                            }
                            for (JsonNode a : answers) {
                                Instant asOf = Instant.parse(a.get("data_as_of").asText());
                                if (asOf.isBefore(storedBefore)) {
                                    problems.add(query + " answered with data as of " + asOf + ", older than "
                                            + storedBefore);
                                }
                            }
                            return null;
                        }));
                    }
                    go.countDown();
                    for (Future<?> call : calls) {
                        call.get(120, TimeUnit.SECONDS);
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                loading.set(false);
                ingest.join(60_000);
                callers.shutdown();

                List<Double> sorted = new ArrayList<>(latencies);
                Collections.sort(sorted);
                double p50 = sorted.get(sorted.size() / 2);
                double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
                System.out.printf(Locale.ROOT, "headroom load: %d requests (%d concurrent x %d rounds) in %.1f s, "
                                + "%d hours ingested meanwhile; p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        sorted.size(), CONCURRENT, ROUNDS, seconds, hoursIngested.get(), p50, p99,
                        sorted.get(sorted.size() - 1));

                assertThat(problems).isEmpty();
                assertThat(sorted).hasSize(CONCURRENT * ROUNDS);
                assertThat(hoursIngested.get()).as("ingestion wrote while the load ran").isPositive();
                // N4 under load: at most one message per budget, period and threshold
                Set<String> dedupe = ConcurrentHashMap.newKeySet();
                for (AlertMessage message : alerts) {
                    for (var threshold : message.allThresholds()) {
                        assertThat(dedupe.add(message.budget() + "/" + message.dedupeId().split("/")[1] + "/"
                                + threshold)).as("sent once: %s %s", message.budget(), threshold).isTrue();
                    }
                }
            }
        }
    }
}
