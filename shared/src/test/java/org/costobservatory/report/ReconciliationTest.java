package org.costobservatory.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.api.ApiRouter;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.json.Json;
import org.costobservatory.store.ProvisionalDay;
import org.costobservatory.testing.BilledOrganisation;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /v1/reconciliation} on stored data: the billed column is the stored cost rows to the cent, the
 * provisional and list-price columns are the figures kept before each day settled, the client column is what was
 * imported; every grouping adds up to the same total, and the CSV says what the JSON says.
 */
class ReconciliationTest {
    private static final Instant NOW = Instant.parse("2026-11-10T02:30:00Z");
    private static final LocalDate FROM = LocalDate.parse("2026-11-06");
    private static final LocalDate TO = LocalDate.parse("2026-11-09");
    private static final FakeAdminApi api = FakeAdminApi.start();
    private static Components components;
    private static ApiRouter router;

    @BeforeAll
    static void ingestAndImport() {
        api.clock().set(NOW);
        DynamoDbLocal local = DynamoDbLocal.shared();
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(local.client()).clock(api.clock())
                .adminReports(() -> api.client(new StaticAdminKey("sk-ant-admin01-test-" + "r".repeat(30))))
                .alertPublisher(message -> "message").build();
        Instant from = FROM.atStartOfDay(ZoneOffset.UTC).toInstant();
        new BilledOrganisation().serve(api, from, Instant.parse("2026-11-10T02:00:00Z"), FROM, TO);
        components.watermarks().advance(ReportKind.USAGE, from, from);
        components.watermarks().advance(ReportKind.COST, from, from);
        components.usageReportJob().run(new IngestRequest.Scheduled(Instant.parse("2026-11-10T02:10:00Z")),
                api.deadline());
        components.costReportJob().run(new IngestRequest.Scheduled(NOW), api.deadline());
        router = components.router(false);
        ApiResponse imported = send("POST", "/v1/estimates", "", String.join("\n",
                "{\"time\": \"2026-11-07T10:00:00Z\", \"cost_usd\": 12.5, \"model\": \"claude-sonnet-4-6\", "
                        + "\"workspace_id\": \"default\", \"run_id\": \"run-1\", \"source\": \"agent-sdk\"}",
                "{\"time\": \"2026-11-07T11:00:00Z\", \"cost_usd\": \"7.25\", \"model\": \"claude-sonnet-4-6\"}",
                "{\"time\": \"2026-11-10T01:00:00Z\", \"cost_usd\": 3}"));
        assertThat(imported.status()).as(imported.bodyText()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static ApiResponse send(String method, String path, String query, String body) {
        return router.handle(new ApiRequest(method, path, query, Map.of(), body.getBytes(StandardCharsets.UTF_8),
                Optional.empty()));
    }

    static JsonNode reconcile(String groupBy) throws Exception {
        ApiResponse response = send("GET", "/v1/reconciliation", "from=" + FROM + "&to=2026-11-10&group_by="
                + groupBy, "");
        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    /** Stored cost rows of the range, grouped, in exact cents. */
    static Map<String, BigDecimal> stored(Function<CostRow, String> key) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (LocalDate day = FROM; !day.isAfter(TO); day = day.plusDays(1)) {
            for (CostRow row : components.reports().costDay(day).orElseThrow().rows()) {
                sums.merge(key.apply(row), row.amountCents(), BigDecimal::add);
            }
        }
        return sums;
    }

    static Map<String, BigDecimal> column(JsonNode report, String field) {
        Map<String, BigDecimal> values = new TreeMap<>();
        report.path("rows").forEach(row -> {
            if (!row.path(field).isNull()) {
                values.put(row.path("key").asText(), new BigDecimal(row.path(field).asText()));
            }
        });
        return values;
    }

    @ParameterizedTest
    @CsvSource({"day", "model", "workspace", "token_type"})
    void theBilledColumnIsTheStoredCostRowsToTheCent(String groupBy) throws Exception {
        JsonNode report = reconcile(groupBy);
        Function<CostRow, String> key = switch (groupBy) {
            case "day" -> row -> row.date().toString();
            case "model" -> CostRow::model;
            case "workspace" -> CostRow::workspaceId;
            default -> row -> "tokens".equals(row.costType()) ? row.tokenType() : row.costType();
        };
        Map<String, BigDecimal> billed = column(report, "billed_cents");
        billed.values().removeIf(cents -> cents.signum() == 0);
        Map<String, BigDecimal> rows = stored(key);
        rows.replaceAll((k, cents) -> Money.normalize(cents));
        assertThat(billed).isEqualTo(rows);
        BigDecimal total = stored(row -> "all").get("all");
        assertThat(new BigDecimal(report.at("/total/billed_cents").asText())).isEqualByComparingTo(total);
        assertThat(report.path("missing_days").toString()).isEqualTo("[\"2026-11-10\"]");
        assertThat(report.path("days_without_provisional")).isEmpty();
    }

    @Test
    void theProvisionalColumnIsWhatHeadroomSaidBeforeEachDaySettled() throws Exception {
        JsonNode byDay = reconcile("day");
        for (LocalDate day = FROM; !day.isAfter(TO); day = day.plusDays(1)) {
            ProvisionalDay kept = components.provisional().day(day).orElseThrow();
            JsonNode row = rowOf(byDay, day.toString());
            assertThat(new BigDecimal(row.path("provisional_cents").asText()))
                    .isEqualByComparingTo(kept.total().provisionalCents());
            assertThat(new BigDecimal(row.path("list_estimate_cents").asText()))
                    .isEqualByComparingTo(kept.total().listCents());
            BigDecimal billed = new BigDecimal(row.path("billed_cents").asText());
            BigDecimal drift = kept.total().provisionalCents().subtract(billed).multiply(BigDecimal.valueOf(100))
                    .divide(billed, 2, java.math.RoundingMode.HALF_UP);
            assertThat(row.at("/drift_percent/provisional").decimalValue()).isEqualByComparingTo(drift);
        }
        // the days settled at list price: the unlisted model's stand-in puts every day far above its bill
        assertThat(byDay.at("/total/drift_percent/provisional").decimalValue()).isGreaterThan(BigDecimal.TEN);
        // by model, each group adds up to the day totals
        JsonNode byModel = reconcile("model");
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode row : byModel.path("rows")) {
            sum = sum.add(new BigDecimal(row.path("provisional_cents").asText()));
        }
        assertThat(sum).isEqualByComparingTo(new BigDecimal(byDay.at("/total/provisional_cents").asText()));
        assertThat(rowOf(byModel, BilledOrganisation.UNLISTED).at("/drift_percent/provisional").decimalValue())
                .isEqualByComparingTo("400.00");
    }

    @Test
    void clientEstimatesAreComparedWithTheBillOfWhatTheyCover() throws Exception {
        JsonNode byModel = reconcile("model");
        JsonNode sonnet = rowOf(byModel, BilledOrganisation.SONNET);
        assertThat(sonnet.path("client_usd").decimalValue()).isEqualByComparingTo("19.75");
        // one day of Sonnet's bill is what the estimates cover
        BigDecimal sonnetOn7th = components.reports().costDay(LocalDate.parse("2026-11-07")).orElseThrow().rows()
                .stream().filter(row -> BilledOrganisation.SONNET.equals(row.model())).map(CostRow::amountCents)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal drift = new BigDecimal("1975").subtract(sonnetOn7th).multiply(BigDecimal.valueOf(100))
                .divide(sonnetOn7th, 2, java.math.RoundingMode.HALF_UP);
        assertThat(sonnet.at("/drift_percent/client").decimalValue()).isEqualByComparingTo(drift);
        // a model no estimate mentions has no client figure
        assertThat(rowOf(byModel, BilledOrganisation.OPUS).path("client_usd").isNull()).isTrue();
        // estimates carry no token type: no token type has a client figure, the total does; the estimate of the
        // unsettled 10th is not reconciled yet
        JsonNode byTokenType = reconcile("token_type");
        byTokenType.path("rows").forEach(row -> assertThat(row.path("client_usd").isNull()).isTrue());
        assertThat(byTokenType.at("/total/client_usd").decimalValue()).isEqualByComparingTo("19.75");
        assertThat(reconcile("day").at("/total/client_usd").decimalValue()).isEqualByComparingTo("19.75");
    }

    @Test
    void importedEstimatesNeverChangeSpend() {
        Budget budget = new Budget("org", new BigDecimal("100000"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty());
        HeadroomAnswer before = components.headroom().answer(budget, BigDecimal.ZERO);
        assertThat(send("POST", "/v1/estimates", "", "{\"time\": \"2026-11-10T01:30:00Z\", \"cost_usd\": 5000, "
                + "\"run_id\": \"big\"}").status()).isEqualTo(200);
        HeadroomAnswer after = components.headroom().answer(budget, BigDecimal.ZERO);
        assertThat(after.spentUsd()).isEqualByComparingTo(before.spentUsd());
        assertThat(after.provisionalUsd()).isEqualByComparingTo(before.provisionalUsd());
    }

    @Test
    void theCsvSaysWhatTheJsonSays() throws Exception {
        JsonNode json = reconcile("workspace");
        ApiResponse csv = send("GET", "/v1/reconciliation", "from=" + FROM + "&to=2026-11-10&group_by=workspace"
                + "&format=csv", "");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.headers().get("content-type")).startsWith("text/csv");
        String[] lines = csv.bodyText().split("\r\n");
        assertThat(lines[0]).isEqualTo("workspace,name,billed_usd,list_estimate_usd,provisional_usd,client_usd,"
                + "list_estimate_drift_percent,provisional_drift_percent,client_drift_percent,billed_cents,"
                + "list_estimate_cents,provisional_cents,client_cents");
        Map<String, String> billed = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            billed.put(cells[0], cells[9]);
            assertThat(cells[1]).isEqualTo(rowOf(json, cells[0]).path("name").asText());
        }
        json.path("rows").forEach(row -> assertThat(billed.get(row.path("key").asText()))
                .isEqualTo(row.path("billed_cents").asText()));
        assertThat(json.path("rows")).hasSize(lines.length - 1);
        assertThat(rowOf(json, BilledOrganisation.SUPPORT).path("name").asText()).isEqualTo("Support");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "from=2026-08-01&to=2026-11-01|a reconciliation covers at most 92 days",
            "from=2026-11-09&to=2026-11-01|to (2026-11-01) is before from (2026-11-09)",
            "from=2026-11-01&to=2026-11-09&group_by=api_key|group_by must be one of day, model, token_type, workspace",
            "to=2026-11-09|from is required (YYYY-MM-DD)",
            "from=yesterday&to=2026-11-09|from must be a date as YYYY-MM-DD",
            "from=2026-11-01&to=2026-11-09&format=xml|format must be json or csv",
            "from=2026-11-01&to=2026-11-09&budget=x|unknown query parameter 'budget'"})
    void aBadQueryIsRefusedNamingWhatIsWrong(String query, String message) throws Exception {
        ApiResponse response = send("GET", "/v1/reconciliation", query, "");
        assertThat(response.status()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request");
        assertThat(error.path("message").asText()).startsWith(message);
        assertThat(send("POST", "/v1/reconciliation", "", "").status()).isEqualTo(405);
    }

    private static JsonNode rowOf(JsonNode report, String key) {
        for (JsonNode row : report.path("rows")) {
            if (row.path("key").asText().equals(key)) {
                return row;
            }
        }
        throw new AssertionError("no row " + key + " in " + report);
    }
}
