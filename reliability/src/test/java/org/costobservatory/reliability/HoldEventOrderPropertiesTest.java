package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.budget.HoldService;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.functions.budgetcheck.BudgetCheckHandler;
import org.costobservatory.json.Json;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.HttpApiCalls;
import org.costobservatory.wiring.Components;

/**
 * Settle-then-usage-arrives, in any order: up to three runs are held (10:05), end at 10:30-10:32, and then their
 * settlements (some repeated), releases, repeated hold requests and the hourly ingest that stores their hour happen in
 * a random order, through the real handler on DynamoDB Local. After every event the budget's answer counts each run
 * exactly once, as the state of its events says: its estimate while held; its reported cost once settled, until the
 * usage of its hour is stored; from then only that usage. Never twice, never not at all.
 */
class HoldEventOrderPropertiesTest {
    private static final Instant HELD_AT = Instant.parse("2026-11-24T10:05:00Z");
    private static final Instant BEFORE_INGEST = Instant.parse("2026-11-24T10:50:00Z");
    private static final Instant AFTER_INGEST = Instant.parse("2026-11-24T11:15:00Z");

    /** One run: what it holds, what it reports, what its usage says (Opus output tokens). */
    record Run(int estimateCents, int actualCents, int outputTokens) {
    }

    enum Kind { HOLD_AGAIN, SETTLE, RELEASE, INGEST, CHECK }

    record Event(Kind kind, int run, int actualCents) {
    }

    record Scenario(List<Run> runs, List<Event> events) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Run> run = Combinators.combine(Arbitraries.integers().between(1, 5000),
                Arbitraries.integers().between(0, 5000), Arbitraries.integers().between(1, 400_000)).as(Run::new);
        return run.list().ofMinSize(1).ofMaxSize(3).flatMap(runs -> {
            Arbitrary<List<Event>> perRun = Arbitraries.just(List.<Event>of());
            for (int i = 0; i < runs.size(); i++) {
                int index = i;
                Arbitrary<Event> settle = Arbitraries.integers().between(0, 5000)
                        .map(cents -> new Event(Kind.SETTLE, index, cents));
                Arbitrary<List<Event>> settles = settle.list().ofMinSize(1).ofMaxSize(3);
                Arbitrary<List<Event>> others = Arbitraries.of(Kind.HOLD_AGAIN, Kind.RELEASE, Kind.CHECK)
                        .map(kind -> new Event(kind, index, 0)).list().ofMaxSize(2);
                Arbitrary<List<Event>> before = perRun;
                perRun = Combinators.combine(before, settles, others).as((a, b, c) -> {
                    List<Event> all = new ArrayList<>(a);
                    all.addAll(b);
                    all.addAll(c);
                    return all;
                });
            }
            return perRun.flatMap(events -> {
                List<Event> all = new ArrayList<>(events);
                all.add(new Event(Kind.INGEST, -1, 0));
                return Arbitraries.shuffle(all).map(order -> new Scenario(runs, order));
            });
        });
    }

    @Property(tries = 25, shrinking = ShrinkingMode.OFF)
    void everyRunCountsExactlyOnceWhateverTheOrderOfItsEvents(@ForAll("scenarios") Scenario scenario)
            throws Exception {
        World world = new World();
        for (int i = 0; i < scenario.runs().size(); i++) {
            world.hold(i, scenario.runs().get(i));
        }
        world.clock.set(BEFORE_INGEST);   // every run has ended
        world.check(scenario);
        for (Event event : scenario.events()) {
            world.apply(event, scenario.runs());
            world.check(scenario);
        }
    }

    /** The system on a fresh table, and the model of what each run's events came to. */
    static final class World {
        final MutableClock clock = new MutableClock(HELD_AT);
        final Components components;
        final BudgetCheckHandler handler;
        final Map<Integer, Integer> settledCents = new HashMap<>();
        final Map<Integer, Boolean> released = new HashMap<>();
        boolean ingested;

        World() {
            DynamoDbLocal local = DynamoDbLocal.shared();
            components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                    .dynamo(local.client()).clock(clock).alertPublisher(message -> "unused").build();
            handler = new BudgetCheckHandler(components.router(true));
            components.watermarks().advance(ReportKind.COST, Instant.parse("2026-11-01T00:00:00Z"),
                    Instant.parse("2026-11-24T00:00:00Z"));
            components.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-11-01T00:00:00Z"),
                    Instant.parse("2026-11-24T10:00:00Z"));
            APIGatewayV2HTTPEvent put = event("put-budget.json");
            put.setRawPath("/v1/budgets/org-monthly");
            put.setBody("{\"limit_usd\": 1000000, \"period\": \"monthly\"}");
            assertThat(call(put).getStatusCode()).isEqualTo(201);
        }

        static APIGatewayV2HTTPEvent event(String name) {
            return EventLoader.loadApiGatewayHttpEvent("events/" + name);
        }

        APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
            return HttpApiCalls.call(handler, event);
        }

        static String runId(int run) {
            return "property-run-" + run;
        }

        static String holdId(int run) {
            return HoldService.holdId(runId(run));
        }

        static BigDecimal usd(int cents) {
            return BigDecimal.valueOf(cents).movePointLeft(2);
        }

        APIGatewayV2HTTPResponse postHold(int run, Run spec) {
            APIGatewayV2HTTPEvent event = event("create-hold.json");
            event.setBody("{\"budget\": \"org-monthly\", \"estimate_usd\": " + usd(spec.estimateCents())
                    + ", \"ttl_seconds\": 7200, \"run_id\": \"" + runId(run) + "\"}");
            return call(event);
        }

        void hold(int run, Run spec) throws Exception {
            APIGatewayV2HTTPResponse response = postHold(run, spec);
            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
            assertThat(Json.mapper().readTree(response.getBody()).get("hold_id").asText()).isEqualTo(holdId(run));
        }

        void apply(Event event, List<Run> runs) throws Exception {
            switch (event.kind()) {
                case HOLD_AGAIN -> {
                    APIGatewayV2HTTPResponse again = postHold(event.run(), runs.get(event.run()));
                    assertThat(again.getStatusCode()).isEqualTo(201);
                    JsonNode hold = Json.mapper().readTree(again.getBody());
                    assertThat(hold.get("hold_id").asText()).isEqualTo(holdId(event.run()));
                    assertThat(hold.get("repeated").asBoolean()).isTrue();
                }
                case SETTLE -> {
                    APIGatewayV2HTTPEvent settle = event("settle-hold.json");
                    settle.setRawPath("/v1/holds/" + holdId(event.run()) + "/settle");
                    settle.setBody("{\"actual_usd\": " + usd(event.actualCents()) + ", \"ended_at\": \""
                            + endedAt(event.run()) + "\"}");
                    APIGatewayV2HTTPResponse response = call(settle);
                    if (released.getOrDefault(event.run(), false)) {
                        assertThat(response.getStatusCode()).isEqualTo(409);
                    } else {
                        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
                        settledCents.putIfAbsent(event.run(), event.actualCents());
                        assertThat(Json.mapper().readTree(response.getBody()).get("actual_usd").decimalValue())
                                .isEqualByComparingTo(usd(settledCents.get(event.run())));
                    }
                }
                case RELEASE -> {
                    APIGatewayV2HTTPEvent release = event("release-hold.json");
                    release.setRawPath("/v1/holds/" + holdId(event.run()));
                    assertThat(call(release).getStatusCode()).isEqualTo(204);
                    if (!settledCents.containsKey(event.run())) {
                        released.put(event.run(), true);
                    }
                }
                case INGEST -> {
                    // the hourly run at 11:10 stores 10:00-11:00, which holds every run, and moves the watermark
                    clock.set(Instant.parse("2026-11-24T11:10:00Z"));
                    Instant hour = Instant.parse("2026-11-24T10:00:00Z");
                    List<PricedUsageRow> rows = new ArrayList<>();
                    for (int i = 0; i < runs.size(); i++) {
                        rows.add(priced(i, runs.get(i)));
                    }
                    components.reports().replaceUsageHour(hour, rows, RunInfo.manual(ReportKind.USAGE,
                            clock.instant()));
                    components.watermarks().advance(ReportKind.USAGE, hour, hour.plusSeconds(3600));
                    ingested = true;
                }
                case CHECK -> {
                    // an answer in between changes nothing
                }
                default -> throw new IllegalStateException();
            }
            clock.set(ingested ? AFTER_INGEST : BEFORE_INGEST);
        }

        static Instant endedAt(int run) {
            return Instant.parse("2026-11-24T10:30:00Z").plusSeconds(60L * run);
        }

        PricedUsageRow priced(int run, Run spec) {
            UsageRow row = new UsageRow(Instant.parse("2026-11-24T10:00:00Z"), null, "apikey_01Run" + run,
                    "claude-opus-4-6", "standard", "0-200k", 0, 0, 0, 0, spec.outputTokens(), 0);
            return new PricedUsageRow(row, components.pricer().price(row));
        }

        /** What the model says each part of the answer is, against what the handler answers. */
        void check(Scenario scenario) throws Exception {
            BigDecimal usageCents = BigDecimal.ZERO;
            int heldCents = 0;
            int recentCents = 0;
            for (int i = 0; i < scenario.runs().size(); i++) {
                Run run = scenario.runs().get(i);
                boolean settled = settledCents.containsKey(i);
                if (!settled && !released.getOrDefault(i, false)) {
                    heldCents += run.estimateCents();
                }
                if (settled && !ingested) {
                    recentCents += settledCents.get(i);
                }
                if (ingested) {
                    usageCents = usageCents.add(priced(i, run).price().cents());
                }
            }
            APIGatewayV2HTTPEvent headroom = event("headroom.json");
            headroom.setRawQueryString("budget=org-monthly");
            JsonNode answer = Json.mapper().readTree(call(headroom).getBody());
            String state = "settled " + settledCents + ", released " + released + ", ingested " + ingested;
            assertThat(answer.get("spent_usd").decimalValue()).as("spent: %s", state)
                    .isEqualByComparingTo(Money.centsToRoundedUsd(usageCents));
            assertThat(answer.get("held_usd").decimalValue()).as("held: %s", state)
                    .isEqualByComparingTo(usd(heldCents));
            assertThat(answer.get("recent_usd").decimalValue()).as("recent: %s", state)
                    .isEqualByComparingTo(usd(recentCents));
            assertThat(answer.get("remaining_usd").decimalValue()).isEqualByComparingTo(new BigDecimal("1000000")
                    .subtract(Money.centsToRoundedUsd(usageCents)).subtract(usd(heldCents + recentCents))
                    .setScale(2, RoundingMode.HALF_UP));
            assertThat(Optional.ofNullable(answer.get("decision")).map(JsonNode::asText)).contains("allow");
        }
    }
}
