package org.costobservatory.functions.budgetcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.config.Config;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.json.Json;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.HttpApiCalls;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Parallel engines never spend the same dollar: 200 threads ask at once, through the real handler on DynamoDB Local,
 * for holds of $2.00 against budgets with less room than that many holds need. The sum granted never exceeds what a
 * budget had left, and since the room is not a whole number of holds, exactly floor(room / $2.00) are granted.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HoldConcurrencyTest {
    static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    static final int THREADS = 200;
    static final BigDecimal HOLD = new BigDecimal("2.00");

    private BudgetCheckHandler handler;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(local.client()).clock(new MutableClock(NOW)).alertPublisher(message -> "unused").build();
        handler = new BudgetCheckHandler(components.router(true));
        // $75.12 settled in the Default workspace this month
        LocalDate day = LocalDate.parse("2026-11-20");
        components.reports().replaceCostDay(new CostDay(day, List.of(new CostRow(day, null, "Claude Opus output",
                "tokens", "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD",
                new BigDecimal("7512")))), RunInfo.manual(ReportKind.COST, NOW));
        components.watermarks().advance(ReportKind.COST, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"));
        components.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T10:00:00Z"));
    }

    APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return HttpApiCalls.call(handler, event);
    }

    void putBudget(String name, String json) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/put-budget.json");
        event.setRawPath("/v1/budgets/" + name);
        event.setBody(json);
        assertThat(call(event).getStatusCode()).isEqualTo(201);
    }

    BigDecimal held(String budget) throws Exception {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/headroom.json");
        event.setRawQueryString("budget=" + budget);
        return Json.mapper().readTree(call(event).getBody()).get("held_usd").decimalValue();
    }

    /** Sends every body at once from its own thread; returns each one's status, in order. */
    List<Integer> allAtOnce(List<String> bodies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (String body : bodies) {
            statuses.add(pool.submit(() -> {
                APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/create-hold.json");
                event.setBody(body);
                start.await();
                APIGatewayV2HTTPResponse response = call(event);
                if (response.getStatusCode() == 409) {
                    JsonNode refusal = Json.mapper().readTree(response.getBody());
                    assertThat(refusal.get("decision").asText()).as(response.getBody()).isEqualTo("deny");
                }
                return response.getStatusCode();
            }));
        }
        start.countDown();
        List<Integer> result = new ArrayList<>();
        for (Future<Integer> status : statuses) {
            result.add(status.get(240, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return result;
    }

    @Test
    void twoHundredEnginesAtOnceAreGrantedExactlyWhatTheBudgetHasLeft() throws Exception {
        putBudget("team-agents", "{\"limit_usd\": 100, \"period\": \"monthly\"}");   // $24.88 left
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            bodies.add("{\"budget\": \"team-agents\", \"estimate_usd\": 2.00, \"run_id\": \"engine-" + i + "\"}");
        }

        List<Integer> statuses = allAtOnce(bodies);

        assertThat(statuses).containsOnly(201, 409);
        long granted = statuses.stream().filter(status -> status == 201).count();
        assertThat(HOLD.multiply(BigDecimal.valueOf(granted))).isLessThanOrEqualTo(new BigDecimal("24.88"));
        assertThat(granted).as("floor(24.88 / 2.00)").isEqualTo(12);
        assertThat(held("team-agents")).isEqualByComparingTo("24.00");
    }

    @Test
    void withAWorkspaceBudgetInsideAnOrganisationBudgetNeitherIsOverGranted() throws Exception {
        putBudget("team-agents", "{\"limit_usd\": 100, \"period\": \"monthly\", "
                + "\"scope\": {\"workspace_id\": \"default\"}}");                         // $24.88 left
        putBudget("org-monthly", "{\"limit_usd\": 106, \"period\": \"monthly\"}");    // $30.88 left
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            bodies.add(i % 2 == 0
                    ? "{\"workspace_id\": \"default\", \"estimate_usd\": 2.00, \"run_id\": \"team-" + i + "\"}"
                    : "{\"budget\": \"org-monthly\", \"estimate_usd\": 2.00, \"run_id\": \"org-" + i + "\"}");
        }

        List<Integer> statuses = allAtOnce(bodies);

        assertThat(statuses).containsOnly(201, 409);
        long team = 0;
        long org = 0;
        for (int i = 0; i < THREADS; i++) {
            if (statuses.get(i) == 201) {
                if (i % 2 == 0) {
                    team++;
                } else {
                    org++;
                }
            }
        }
        assertThat(team).as("the workspace budget's holds").isLessThanOrEqualTo(12);
        assertThat(team + org).as("floor(30.88 / 2.00): the organisation budget fills").isEqualTo(15);
        assertThat(held("team-agents")).isEqualByComparingTo(HOLD.multiply(BigDecimal.valueOf(team)));
        assertThat(held("org-monthly")).isEqualByComparingTo("30.00");
    }
}
