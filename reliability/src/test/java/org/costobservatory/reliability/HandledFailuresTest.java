package org.costobservatory.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.RetryPolicy;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.json.Json;
import org.costobservatory.log.HandledFailures;
import org.costobservatory.log.Log;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rule N5's two exceptions, by design: a failed workspace-name refresh does not fail a cost run whose data is stored,
 * and a failed alert does not change a headroom answer. Neither is silent: each is logged and counted, and the count
 * is readable (the run summary, {@code GET /v1/health}).
 */
class HandledFailuresTest {
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    private static List<String> logged(Runnable work) throws Exception {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable sink = Log.addSink(lines::add)) {
            work.run();
        }
        return lines;
    }

    @Test
    void aFailedWorkspaceNameRefreshIsLoggedCountedAndNamedInTheRunSummary() throws Exception {
        // GIVEN a cost report that serves, and a workspace list that answers 403
        Fixture system = new Fixture(api);
        system.setCostWatermark("2026-08-11T00:00:00Z");
        system.serveCost(Fixture.costDays("2026-08-11", "2026-08-13", "1"), 3);
        api.server().stubFor(get(urlPathEqualTo(FakeAdminApi.WORKSPACES_PATH)).atPriority(1)
                .willReturn(Fixture.error(403, "permission_error", "not allowed to list workspaces")));
        long before = HandledFailures.count(HandledFailures.Kind.WORKSPACE_NAMES_REFRESH);

        // WHEN the daily run runs
        IngestSummary[] summary = new IngestSummary[1];
        List<String> lines = logged(() -> summary[0] = system.cost.run(Fixture.DAILY, api.deadline()));

        // THEN the run succeeds with its days stored, says what it handled, counts it and logs it
        assertThat(summary[0].bucketsStored()).isEqualTo(3);
        assertThat(summary[0].failuresHandled()).containsExactly("workspace_names_refresh");
        assertThat(Json.mapper().valueToTree(summary[0]).path("failures_handled").get(0).asText())
                .isEqualTo("workspace_names_refresh");
        assertThat(HandledFailures.count(HandledFailures.Kind.WORKSPACE_NAMES_REFRESH)).isEqualTo(before + 1);
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("could not refresh workspace names",
                "\"failure_handled\":\"workspace_names_refresh\"", "PermissionException"));
    }

    @Test
    void aFailedApiKeyRefreshIsLoggedCountedAndNamedInTheRunSummary() throws Exception {
        // GIVEN a cost report that serves, and an API key list that answers 403
        Fixture system = new Fixture(api);
        system.setCostWatermark("2026-08-11T00:00:00Z");
        system.serveCost(Fixture.costDays("2026-08-11", "2026-08-13", "1"), 3);
        api.server().stubFor(get(urlPathEqualTo(FakeAdminApi.API_KEYS_PATH)).atPriority(1)
                .willReturn(Fixture.error(403, "permission_error", "not allowed to list keys")));
        long before = HandledFailures.count(HandledFailures.Kind.API_KEYS_REFRESH);

        // WHEN the daily run runs
        IngestSummary[] summary = new IngestSummary[1];
        List<String> lines = logged(() -> summary[0] = system.cost.run(Fixture.DAILY, api.deadline()));

        // THEN the run succeeds with its days stored, says what it handled, counts it and logs it
        assertThat(summary[0].bucketsStored()).isEqualTo(3);
        assertThat(summary[0].failuresHandled()).containsExactly("api_keys_refresh");
        assertThat(HandledFailures.count(HandledFailures.Kind.API_KEYS_REFRESH)).isEqualTo(before + 1);
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("could not refresh the API keys (names, workspaces)",
                "\"failure_handled\":\"api_keys_refresh\"", "PermissionException"));
    }

    @Test
    void aCleanRunHandlesNothing() {
        Fixture system = new Fixture(api);
        system.setCostWatermark("2026-08-11T00:00:00Z");
        system.serveCost(Fixture.costDays("2026-08-11", "2026-08-13", "1"), 3);

        assertThat(system.cost.run(Fixture.DAILY, api.deadline()).failuresHandled()).isEmpty();
    }

    @Test
    void aFailedAlertDuringAHeadroomCheckLeavesTheAnswerAndIsLoggedAndCountedInHealth() throws Exception {
        // GIVEN a budget 80 % spent whose alert publisher fails
        Fixture system = new Fixture(api, new StaticAdminKey(Fixture.KEY), message -> {
            throw new IllegalStateException("injected: the topic refused the message");
        }, RetryPolicy.DEFAULT.withRequestTimeout(FakeAdminApi.TEST_REQUEST_TIMEOUT),
                DynamoDbLocal.shared().newTable());
        LocalDate day = LocalDate.parse("2026-08-10");
        system.components.reports().replaceCostDay(new CostDay(day, List.of(Fixture.cost(day, null, "tokens",
                "claude-opus-4-6", "standard", "output_tokens", new BigDecimal("8000")))),
                RunInfo.manual(ReportKind.COST, api.clock().instant()));
        system.components.watermarks().advance(ReportKind.COST, Fixture.midnight("2026-08-01"),
                Fixture.midnight("2026-08-14"));
        system.components.watermarks().advance(ReportKind.USAGE, Fixture.midnight("2026-08-01"),
                api.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.HOURS));
        system.components.budgets().put(new Budget("team", new BigDecimal("100"), BudgetPeriod.MONTHLY,
                ZoneOffset.UTC, BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT,
                Optional.empty(), Optional.empty(), Optional.empty()));
        long before = HandledFailures.count(HandledFailures.Kind.ALERTS_DURING_HEADROOM);

        // WHEN headroom is asked for
        ApiResponse[] answer = new ApiResponse[1];
        List<String> lines = logged(() -> answer[0] = system.components.router(false).handle(new ApiRequest("GET",
                "/v1/headroom", "budget=team", Map.of(), new byte[0], Optional.empty())));

        // THEN the answer stands, the failure is logged and counted, and health shows the count
        assertThat(answer[0].status()).isEqualTo(200);
        assertThat(Json.mapper().readTree(answer[0].body()).path("spent_usd").decimalValue())
                .isEqualByComparingTo("80.00");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("threshold alert failed during a headroom "
                + "check", "\"failure_handled\":\"alerts_during_headroom\"", "injected"));
        assertThat(HandledFailures.count(HandledFailures.Kind.ALERTS_DURING_HEADROOM)).isEqualTo(before + 1);
        JsonNode health = Json.mapper().readTree(system.components.router(false).handle(new ApiRequest("GET",
                "/v1/health", "", Map.of(), new byte[0], Optional.empty())).body());
        assertThat(health.at("/failures_handled/alerts_during_headroom").asLong()).isEqualTo(before + 1);
        assertThat(health.at("/failures_handled/workspace_names_refresh").isNumber()).isTrue();
    }
}
