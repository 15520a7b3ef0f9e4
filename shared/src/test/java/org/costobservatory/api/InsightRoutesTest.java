package org.costobservatory.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.config.Config;
import org.costobservatory.json.Json;
import org.costobservatory.store.Anomaly;
import org.costobservatory.store.AnomalyStore;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.SeededTable;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /v1/insights}, {@code /v1/anomalies} and the forecast in {@code /v1/headroom} through the deployed router
 * on DynamoDB Local: the JSON they promise, and a 400 naming the problem for every bad query.
 */
class InsightRoutesTest {
    private static final MutableClock CLOCK = MutableClock.at("2026-11-21T09:40:00Z");
    private static ApiRouter router;
    private static Components components;

    @BeforeAll
    static void seed() {
        String table = DynamoDbLocal.shared().newTable();
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(DynamoDbLocal.shared().client()).clock(CLOCK).alertPublisher(message -> "m").build();
        SeededTable seeded = new SeededTable(components, CLOCK.instant());
        for (LocalDate day = LocalDate.parse("2026-11-10"); day.isBefore(LocalDate.parse("2026-11-21"));
             day = day.plusDays(1)) {
            Instant hour = day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(10 * 3600);
            seeded.usageHour(hour, List.of(SeededTable.row(hour, "wrkspc_A", "apikey_A", "claude-sonnet-4-6",
                    "standard", 1_000_000, 0, 0, 0, 100_000)));
            seeded.settle(day);
        }
        Instant nine = Instant.parse("2026-11-21T08:00:00Z");
        seeded.usageHour(nine, List.of(SeededTable.row(nine, "wrkspc_A", "apikey_A", "claude-sonnet-4-6",
                "standard", 1_000_000, 0, 0, 0, 100_000)));
        seeded.watermarks(LocalDate.parse("2026-11-18"), LocalDate.parse("2026-11-20"),
                Instant.parse("2026-11-21T09:00:00Z"));
        Anomaly.Reason output = new Anomaly.Reason("token_type", Optional.of("output"),
                Optional.of(new BigDecimal("15.00")), Optional.of(new BigDecimal("75.00")), Optional.of("usd"),
                "output cost $75.00 on the day, $15.00 a usual day");
        Anomaly anomaly = new Anomaly(LocalDate.parse("2026-11-19"), Anomaly.API_KEY, "apikey_A", "apikey_A",
                new BigDecimal("9000"), new BigDecimal("3000"), List.of(output));
        components.anomalies().put(new AnomalyStore.AnomalyDay(LocalDate.parse("2026-11-19"), CLOCK.instant(),
                BigDecimal.TEN, List.of(anomaly)));
        components.anomalies().put(new AnomalyStore.AnomalyDay(LocalDate.parse("2026-11-20"), CLOCK.instant(),
                BigDecimal.TEN, List.of()));
        components.budgets().put(new org.costobservatory.domain.Budget("team", new BigDecimal("100"),
                org.costobservatory.domain.BudgetPeriod.MONTHLY, java.time.ZoneId.of("UTC"),
                org.costobservatory.domain.BudgetScope.ORGANISATION, List.of(new BigDecimal("1000")),
                new BigDecimal("75"), Optional.empty(), Optional.empty(), Optional.empty()));
        router = components.router(false);
    }

    private static ApiResponse get(String path, String query) {
        return router.handle(new ApiRequest("GET", path, query, Map.of(), new byte[0], Optional.empty()));
    }

    private static JsonNode json(ApiResponse response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    @ParameterizedTest(name = "{0}?{1}")
    @CsvSource(delimiter = '|', value = {
            "/v1/insights|to=2026-11-20|from is required",
            "/v1/insights|from=2026-11-14|to is required",
            "/v1/insights|from=2026-11-14&to=20261120|to must be a date as YYYY-MM-DD",
            "/v1/insights|from=2026-11-20&to=2026-11-14|is before",
            "/v1/insights|from=2026-10-01&to=2026-11-20|at most 31 days",
            "/v1/insights|from=2026-11-14&to=2026-11-20&scope=team:x|scope must be workspace:ID",
            "/v1/insights|from=2026-11-14&to=2026-11-20&scope=api_key:%3Cscript%3E|scope api_key must be",
            "/v1/insights|from=2026-11-14&to=2026-11-20&group_by=model|unknown query parameter 'group_by'",
            "/v1/insights|from=2026-11-14&from=2026-11-15&to=2026-11-20|given more than once",
            "/v1/anomalies|from=2026-11-14|to is required",
            "/v1/anomalies|from=2026-01-01&to=2026-11-20|at most 92 days",
            "/v1/anomalies|from=2026-11-20&to=2026-11-01|is before",
            "/v1/anomalies|from=2026-11-14&to=2026-11-20&kind=team|kind must be workspace, api_key or model",
            "/v1/anomalies|from=yesterday&to=2026-11-20|from must be a date"})
    void aBadQueryIsRefusedWithA400NamingTheProblem(String path, String query, String message) throws IOException {
        ApiResponse response = get(path, query);

        assertThat(response.status()).isEqualTo(400);
        assertThat(json(response).at("/error/type").asText()).isEqualTo("invalid_request");
        assertThat(json(response).at("/error/message").asText()).contains(message);
    }

    @Test
    void insightsAnswerWithTotalsRankingsCacheBatchAndLabelledEstimates() throws IOException {
        ApiResponse response = get("/v1/insights", "from=2026-11-17&to=2026-11-20&scope=workspace:wrkspc_A");
        JsonNode body = json(response);

        assertThat(response.status()).isEqualTo(200);
        // Sonnet 4.6: 1M input at $3 and 100k output at $15 = $4.50 a day, four days, and four before
        assertThat(body.get("total_usd").decimalValue()).isEqualByComparingTo("18.00");
        assertThat(body.get("previous_total_usd").decimalValue()).isEqualByComparingTo("18.00");
        assertThat(body.at("/previous/from").asText()).isEqualTo("2026-11-13");
        assertThat(body.get("scope").asText()).isEqualTo("workspace:wrkspc_A");
        assertThat(body.get("basis").asText()).isEqualTo("usage_at_list_price");
        assertThat(body.at("/top/api_keys/0/key").asText()).isEqualTo("apikey_A");
        assertThat(body.at("/top/api_keys/0/change_percent").decimalValue()).isEqualByComparingTo("0");
        assertThat(body.at("/cache/hit_rate").decimalValue()).isEqualByComparingTo("0");
        assertThat(body.at("/cache/uncached_input_usd").decimalValue()).isEqualByComparingTo("12.00");
        assertThat(body.at("/batch/share_of_spend").decimalValue()).isEqualByComparingTo("0");
        assertThat(body.get("what_if")).extracting(w -> w.get("id").asText())
                .containsExactly("cheaper_model", "cache_1h_as_5m", "standard_as_batch");
        assertThat(body.get("what_if")).allSatisfy(w -> assertThat(w.get("estimate").asBoolean()).isTrue());
        // all standard traffic as batch: half of $18.00
        assertThat(body.at("/what_if/2/saving_usd").decimalValue()).isEqualByComparingTo("9.00");
        assertThat(body.get("missing_days")).isEmpty();
    }

    @Test
    void anomaliesListTheStoredDaysWithTheirReasons() throws IOException {
        JsonNode body = json(get("/v1/anomalies", "from=2026-11-14&to=2026-11-20"));

        assertThat(body.get("evaluated_days")).extracting(d -> d.get("date").asText())
                .containsExactly("2026-11-19", "2026-11-20");
        assertThat(body.get("anomalies")).hasSize(1);
        JsonNode anomaly = body.at("/anomalies/0");
        assertThat(anomaly.get("kind").asText()).isEqualTo("api_key");
        assertThat(anomaly.get("spent_usd").decimalValue()).isEqualByComparingTo("90.00");
        assertThat(anomaly.get("baseline_usd").decimalValue()).isEqualByComparingTo("30.00");
        assertThat(anomaly.get("ratio").decimalValue()).isEqualByComparingTo("3.00");
        assertThat(anomaly.at("/reasons/0/subject").asText()).isEqualTo("output");
        assertThat(anomaly.at("/reasons/0/after").decimalValue()).isEqualByComparingTo("75.00");
        assertThat(json(get("/v1/anomalies", "from=2026-11-14&to=2026-11-20&kind=model")).get("anomalies"))
                .isEmpty();
    }

    @Test
    void headroomCarriesTheForecastWithoutChangingTheDecision() throws IOException {
        JsonNode answer = json(get("/v1/headroom", "budget=team&estimate_usd=0"));

        // $4.50 a day for 11 days and an hour on the 21st: $54.00 spent; then 10:00 every day to the 30th (11 days of
        // history: the mean of the last week)
        assertThat(answer.get("spent_usd").decimalValue()).isEqualByComparingTo("54.00");
        assertThat(answer.get("forecast_method").asText()).isEqualTo("last_week");
        assertThat(answer.get("forecast_usd").decimalValue()).isEqualByComparingTo("99.00");
        assertThat(answer.get("forecast_low_usd").decimalValue()).isLessThanOrEqualTo(
                answer.get("forecast_usd").decimalValue());
        assertThat(answer.get("forecast_high_usd").decimalValue()).isGreaterThanOrEqualTo(
                answer.get("forecast_usd").decimalValue());
        assertThat(answer.get("exhausted_at").isNull()).isTrue();
        assertThat(answer.get("decision").asText()).isEqualTo("allow");
        assertThat(answer.get("notes").asText()).contains("Forecast: the mean of the last 7 complete days");
    }
}
