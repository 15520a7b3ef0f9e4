package org.costobservatory.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.config.Config;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.json.Json;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.TableDump;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Security F10: an error names what was wrong without repeating what was sent, and an internal failure is a 500 that
 * says nothing of the internals.
 */
class ErrorMessagesTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    private DynamoDbClient dynamo;
    private String table;
    private ApiRouter router;
    private Components components;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        dynamo = local.client();
        table = local.newTable();
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table))).dynamo(dynamo)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).alertPublisher(message -> "unused").build();
        router = components.router(false);
    }

    private ApiResponse send(String method, String path, String query, String body) {
        return router.handle(new ApiRequest(method, path, query, Map.of(), body.getBytes(StandardCharsets.UTF_8),
                Optional.empty()));
    }

    private static JsonNode error(ApiResponse response) throws Exception {
        return Json.mapper().readTree(response.body()).path("error");
    }

    @Test
    void anUnknownFieldOf64KiBIsDescribedNotEchoed() throws Exception {
        // GIVEN budget bodies with a 48,008-character field name (Jackson refuses names over 50,000), at the top and
        // inside the scope
        String name = "x".repeat(24_000) + "<script>" + "y".repeat(24_000);
        String top = "{\"limit_usd\": 10, \"period\": \"monthly\", \"" + name + "\": 1}";
        String scoped = "{\"limit_usd\": 10, \"period\": \"monthly\", \"scope\": {\"" + name + "\": \"a\"}}";

        // WHEN they are sent
        ApiResponse atTop = send("PUT", "/v1/budgets/team", "", top);
        ApiResponse inScope = send("PUT", "/v1/budgets/team", "", scoped);

        // THEN each is a short 400 that names the kind of field and lists the known ones, without the name
        assertThat(atTop.status()).isEqualTo(400);
        assertThat(error(atTop).path("message").asText()).isEqualTo("(an unknown field): is not a budget field "
                + "(known: limit_usd, period, time_zone, scope, thresholds_percent, warn_percent, preset, seats, "
                + "reset_notice, forecast_alert)");
        assertThat(inScope.status()).isEqualTo(400);
        assertThat(error(inScope).path("message").asText()).isEqualTo("scope.(an unknown field): is not a scope "
                + "field (known: workspace_id, api_key_id, model)");
        assertThat(atTop.body().length + inScope.body().length).isLessThan(500);
    }

    @Test
    void aShortPlainUnknownFieldIsNamed() throws Exception {
        ApiResponse response = send("PUT", "/v1/budgets/team", "", "{\"limit_usd\": 10, \"period\": \"monthly\", "
                + "\"limit\": 5}");

        assertThat(error(response).path("message").asText()).startsWith("limit: is not a budget field");
    }

    @Test
    void aStoredItemThatCannotBeReadIsA500WithoutItsText() throws Exception {
        // GIVEN a stored cost day whose row's amount was damaged in the table
        LocalDate day = LocalDate.parse("2026-11-02");
        components.reports().replaceCostDay(new CostDay(day, List.of(new CostRow(day, "wrkspc_a", "Claude Opus",
                "tokens", "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD",
                new BigDecimal("2.6")))), RunInfo.manual(ReportKind.COST, NOW));
        Map<String, AttributeValue> row = TableDump.all(dynamo, table).stream()
                .filter(item -> item.get("sk").s().startsWith("ROW#")).findFirst().orElseThrow();
        dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", row.get("pk"), "sk", row.get("sk")))
                .updateExpression("SET amount_cents = :bad")
                .expressionAttributeValues(Map.of(":bad", AttributeValue.fromS("twelve-ish"))));

        // WHEN the costs are exported
        ApiResponse response = send("GET", "/v1/reports/costs", "from=2026-11-01&to=2026-11-03", "");

        // THEN it is a 500 that says nothing of the item or the parser
        assertThat(response.status()).isEqualTo(500);
        assertThat(error(response).path("type").asText()).isEqualTo("internal");
        assertThat(error(response).path("message").asText()).isEqualTo("internal error; see the function's logs");
        assertThat(response.bodyText()).doesNotContain("twelve", "Character", "amount");
    }

    @Test
    void aBadReportRequestIsStillA400SayingWhatIsAllowed() throws Exception {
        ApiResponse grouping = send("GET", "/v1/reports/usage", "from=2026-11-01&to=2026-11-03&group_by=description",
                "");
        ApiResponse backwards = send("GET", "/v1/reports/costs", "from=2026-11-03&to=2026-11-01", "");

        assertThat(grouping.status()).isEqualTo(400);
        assertThat(error(grouping).path("message").asText()).isEqualTo("group_by must be one of [day, workspace, "
                + "model, api_key, service_tier]");
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(error(backwards).path("message").asText()).isEqualTo("'to' (2026-11-01) is before 'from' "
                + "(2026-11-03)");
    }
}
