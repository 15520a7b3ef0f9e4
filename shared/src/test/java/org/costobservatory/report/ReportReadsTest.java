package org.costobservatory.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.config.Config;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.json.Json;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Security F3: an export's reads of the table are bounded by its range (one query per stored day or hour, the range
 * capped per request), so reports cannot flood the table headroom needs. Every DynamoDB call is counted.
 */
class ReportReadsTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    private Components components;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        String table = local.newTable();
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(local.client(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        CALLS.computeIfAbsent(context.request().getClass().getSimpleName().replace("Request", ""),
                                name -> new AtomicInteger()).incrementAndGet();
                    }
                })).clock(Clock.fixed(NOW, ZoneOffset.UTC)).alertPublisher(message -> "unused").build();
        UsagePricer pricer = new UsagePricer(PriceTable.bundled());
        for (String hour : List.of("2026-11-02T09:00:00Z", "2026-11-02T10:00:00Z", "2026-11-20T23:00:00Z")) {
            UsageRow row = new UsageRow(Instant.parse(hour), "wrkspc_a", "apikey_1", "claude-opus-4-6", "standard",
                    "0-200k", 1000, 0, 0, 0, 1000, 0);
            components.reports().replaceUsageHour(Instant.parse(hour), List.of(new PricedUsageRow(row,
                    pricer.price(row))), RunInfo.manual(ReportKind.USAGE, NOW));
        }
        LocalDate day = LocalDate.parse("2026-11-02");
        components.reports().replaceCostDay(new CostDay(day, List.of(new CostRow(day, "wrkspc_a", "Claude Opus",
                "tokens", "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD",
                new BigDecimal("2.6")))), RunInfo.manual(ReportKind.COST, NOW));
        CALLS.clear();
    }

    private ApiResponse get(String pathAndQuery) {
        int question = pathAndQuery.indexOf('?');
        return components.router(false).handle(new ApiRequest("GET", pathAndQuery.substring(0, question),
                pathAndQuery.substring(question + 1), Map.of(), new byte[0], Optional.empty()));
    }

    private static int calls(String operation) {
        return CALLS.getOrDefault(operation, new AtomicInteger()).get();
    }

    private static int allCalls() {
        return CALLS.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Test
    void aMonthOfUsageIsOneQueryPerHourAndNothingElseButTheNamesAndTheWatermark() throws Exception {
        // WHEN the longest usage export one request may ask for, 31 days, is made
        ApiResponse response = get("/v1/reports/usage?from=2026-11-01&to=2026-12-01&group_by=day");

        // THEN it answered from the three stored hours with 744 queries (one per hour) and one read of the cost
        // watermark (days need no names): 745 calls, never two per hour
        assertThat(response.status()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.path("rows")).hasSize(2);
        assertThat(body.path("total_cents").asText()).isEqualTo("9");
        assertThat(calls("Query")).isEqualTo(31 * 24);
        assertThat(calls("GetItem")).isEqualTo(1);
        assertThat(allCalls()).isEqualTo(745);
    }

    @Test
    void costIsOneQueryPerDay() {
        // a month of cost: 30 queries of a day each (one of them stored), the names and the watermark
        ApiResponse response = get("/v1/reports/costs?from=2026-11-01&to=2026-11-30&group_by=workspace");

        assertThat(response.status()).isEqualTo(200);
        assertThat(calls("Query")).isEqualTo(30 + 1);
        assertThat(allCalls()).isEqualTo(32);
    }

    @Test
    void aLongerRangeIsA400SayingSoBeforeAnyRead() throws Exception {
        // WHEN a quarter of usage (the 2,208 hours that used to be read) or 367 days of cost is asked for
        ApiResponse usage = get("/v1/reports/usage?from=2026-09-01&to=2026-11-30");
        ApiResponse cost = get("/v1/reports/costs?from=2025-01-01&to=2026-01-02");

        // THEN both are refused, naming the limit and the range, and the table was not read
        assertThat(usage.status()).isEqualTo(400);
        assertThat(Json.mapper().readTree(usage.body()).at("/error/message").asText()).isEqualTo("a usage report "
                + "covers at most 31 days per request (from 2026-09-01 to 2026-11-30 is 91); ask for a longer range "
                + "in parts");
        assertThat(cost.status()).isEqualTo(400);
        assertThat(Json.mapper().readTree(cost.body()).at("/error/message").asText()).startsWith("a cost report "
                + "covers at most 366 days per request");
        assertThat(allCalls()).isZero();
    }
}
