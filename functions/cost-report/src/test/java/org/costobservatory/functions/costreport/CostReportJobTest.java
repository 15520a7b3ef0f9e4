package org.costobservatory.functions.costreport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.anthropic.AuthenticationException;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.ReportJsonWriter;
import org.costobservatory.anthropic.ReportParseException;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.config.Config;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.Workspace;
import org.costobservatory.ingest.CostReportJob;
import org.costobservatory.ingest.IngestInvocation;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.json.Json;
import org.costobservatory.log.Log;
import org.costobservatory.store.StoredCostDay;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.TestContext;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The daily cost run end to end: WireMock serves Anthropic's wire format, DynamoDB Local stores it. */
class CostReportJobTest {
    private static final String KEY = "sk-ant-admin01-test-" + "x".repeat(24);
    private static final String SUPPORT = "wrkspc_01AbCdEfGhIjKlMnOpQrStUv";
    private static final String BATCH = "wrkspc_01ZyXwVuTsRqPoNmLkJiHgFe";
    /** FakeAdminApi's "now" is 2026-08-14T02:30Z: the daily run scheduled then covers complete days up to the 13th. */
    private static final IngestRequest DAILY_RUN = new IngestRequest.Scheduled(Instant.parse("2026-08-14T02:30:00Z"));

    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();
    private Components components;
    private CostReportJob job;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        String table = local.newTable();
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(local.client())
                .clock(api.clock())
                .adminReports(() -> api.client(new StaticAdminKey(KEY)))
                .alertPublisher(message -> {
                    throw new AssertionError("no budget exists, so no alert may be published");
                })
                .build();
        job = components.costReportJob();
        api.server().stubFor(get(urlPathEqualTo(FakeAdminApi.WORKSPACES_PATH)).willReturn(json(
                ReportJsonWriter.workspacesPage(List.of(new Workspace(SUPPORT, "Support Bot", Optional.empty()),
                        new Workspace(BATCH, "Nightly Batch", Optional.of(Instant.parse("2026-07-01T00:00:00Z")))),
                        false))));
        api.server().stubFor(get(urlPathEqualTo(FakeAdminApi.API_KEYS_PATH)).willReturn(json(
                ReportJsonWriter.apiKeysPage(List.of(new ApiKey("apikey_01NewNoUsageYet", "support-bot-prod", "active",
                        SUPPORT), new ApiKey("apikey_01Old", "old-batch", "archived", BATCH),
                        new ApiKey("apikey_01DefaultScripts", "scripts", "active", "default")), false))));
    }

    private static CostRow row(String date, String workspace, String costType, String model, String tier,
                               String tokenType, String cents) {
        return new CostRow(LocalDate.parse(date), workspace, costType + " " + model + " " + tokenType, costType,
                model, tier, tokenType, model == null ? null : "0-200k", model == null ? null : "not_available", "USD",
                new BigDecimal(cents));
    }

    /** Five days over three pages: Default workspace, batch, web search, code execution, 1-hour cache writes. */
    private static List<List<CostDay>> fiveDaysInThreePages(String restatedDay10) {
        CostDay day9 = new CostDay(LocalDate.parse("2026-08-09"), List.of(
                row("2026-08-09", null, "tokens", "claude-sonnet-4-5-20250929", "standard", "uncached_input_tokens",
                        "375.000000"),
                row("2026-08-09", SUPPORT, "tokens", "claude-haiku-4-5-20251001", "standard",
                        "cache_creation.ephemeral_1h_input_tokens", "40.000000")));
        CostDay day10 = new CostDay(LocalDate.parse("2026-08-10"), List.of(
                row("2026-08-10", null, "tokens", "claude-sonnet-4-5-20250929", "standard", "output_tokens",
                        restatedDay10),
                row("2026-08-10", null, "web_search", null, null, null, "12.000000"),
                row("2026-08-10", BATCH, "tokens", "claude-opus-4-5-20251101", "batch", "uncached_input_tokens",
                        "500.000000")));
        CostDay day11 = new CostDay(LocalDate.parse("2026-08-11"), List.of());
        CostDay day12 = new CostDay(LocalDate.parse("2026-08-12"), List.of(
                row("2026-08-12", null, "code_execution", null, null, null, "25.000000"),
                row("2026-08-12", BATCH, "tokens", "claude-opus-4-5-20251101", "batch", "output_tokens",
                        "527.999760")));
        CostDay day13 = new CostDay(LocalDate.parse("2026-08-13"), List.of(
                row("2026-08-13", SUPPORT, "tokens", "claude-haiku-4-5-20251001", "standard", "output_tokens",
                        "0.5")));
        return List.of(List.of(day9, day10), List.of(day11, day12), List.of(day13));
    }

    private void serve(List<List<CostDay>> pages) {
        for (int i = 0; i < pages.size(); i++) {
            boolean more = i + 1 < pages.size();
            String body = ReportJsonWriter.costPage(pages.get(i), more, more ? "page_" + (i + 2) : null);
            api.server().stubFor(FakeAdminApi.costPage(i == 0 ? null : "page_" + (i + 1)).willReturn(json(body)));
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(body);
    }

    private void setWatermark(String storedThrough) {
        components.watermarks().advance(ReportKind.COST, Instant.parse(storedThrough), Instant.parse(storedThrough));
    }

    @Test
    void storesEveryDayOfAMultiPageReportExactlyAndMovesTheWatermark() {
        // GIVEN the report for the 9th to the 13th over three pages, and a watermark at the 9th
        List<List<CostDay>> pages = fiveDaysInThreePages("465.000000");
        serve(pages);
        setWatermark("2026-08-09T00:00:00Z");

        // WHEN the daily run goes
        IngestSummary summary = job.run(DAILY_RUN, api.deadline());

        // THEN every day is stored line for line, empty days included, and totals match to the cent
        BigDecimal fixtureTotal = BigDecimal.ZERO;
        for (List<CostDay> page : pages) {
            for (CostDay day : page) {
                StoredCostDay stored = components.reports().costDay(day.date()).orElseThrow();
                assertThat(stored.rows()).containsExactlyInAnyOrderElementsOf(day.rows());
                assertThat(stored.totalCents()).isEqualByComparingTo(day.totalCents());
                fixtureTotal = fixtureTotal.add(day.totalCents());
            }
        }
        BigDecimal storedTotal = components.spend().read(SpendScope.ORG, LocalDate.parse("2026-08-09"),
                LocalDate.parse("2026-08-13")).stream().map(d -> d.settledCents().orElseThrow())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(storedTotal).isEqualByComparingTo(fixtureTotal).isEqualByComparingTo("1945.49976");
        assertThat(summary.pages()).isEqualTo(3);
        assertThat(summary.bucketsStored()).isEqualTo(5);
        assertThat(summary.missingBuckets()).isEmpty();
        assertThat(components.watermarks().get(ReportKind.COST).orElseThrow().settledThrough())
                .isEqualTo(LocalDate.parse("2026-08-13"));
        // AND the workspace names, the archived one included, and the Default workspace
        assertThat(components.workspaces().names()).containsEntry(SUPPORT, "Support Bot")
                .containsEntry(BATCH, "Nightly Batch").containsEntry("default", "Default");
        // AND each API key's name and workspace from the key list, of every status, so a key without usage yet has one
        assertThat(components.apiKeys().names()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "apikey_01NewNoUsageYet", "support-bot-prod", "apikey_01Old", "old-batch",
                "apikey_01DefaultScripts", "scripts"));
        assertThat(components.apiKeys().workspaceOf("apikey_01NewNoUsageYet")).contains(SUPPORT);
        assertThat(components.apiKeys().workspaceOf("apikey_01Old")).contains(BATCH);
        assertThat(components.apiKeys().workspaceOf("apikey_01DefaultScripts")).contains("default");
        assertThat(components.apiKeys().workspaceOf("apikey_01Unknown")).isEmpty();
        api.server().verify(getRequestedFor(urlPathEqualTo(FakeAdminApi.API_KEYS_PATH))
                .withQueryParam("limit", equalTo("1000")).withQueryParam("status", absent()));
        // AND the request asked for whole UTC days, grouped by workspace and description
        api.server().verify(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("starting_at", equalTo("2026-08-09T00:00:00Z"))
                .withQueryParam("ending_at", equalTo("2026-08-14T00:00:00Z"))
                .withQueryParam("page", absent()));
    }

    @Test
    void aRestatedDayIsReplacedOnTheNextRun() {
        // GIVEN the 12th stored with a code-execution line and a batch line
        serve(fiveDaysInThreePages("465.000000"));
        setWatermark("2026-08-09T00:00:00Z");
        job.run(DAILY_RUN, api.deadline());

        // WHEN the next day's run re-pulls its look-back (the 12th to the 14th) and the 12th was restated
        api.reset();
        api.clock().set(Instant.parse("2026-08-15T02:30:00Z"));
        CostDay restated = new CostDay(LocalDate.parse("2026-08-12"), List.of(
                row("2026-08-12", null, "code_execution", null, null, null, "30.000000")));
        List<CostDay> window = new ArrayList<>(List.of(restated));
        for (String date : List.of("2026-08-13", "2026-08-14")) {
            window.add(new CostDay(LocalDate.parse(date), List.of()));
        }
        api.server().stubFor(FakeAdminApi.costPage(null).willReturn(json(ReportJsonWriter.costPage(window, false,
                null))));
        api.server().stubFor(get(urlPathEqualTo(FakeAdminApi.WORKSPACES_PATH)).willReturn(json(
                ReportJsonWriter.workspacesPage(List.of(), false))));
        job.run(new IngestRequest.Scheduled(Instant.parse("2026-08-15T02:30:00Z")), api.deadline());

        // THEN the 12th holds exactly the restated line: the batch line and its workspace's spend are gone
        api.server().verify(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("starting_at", equalTo("2026-08-12T00:00:00Z")));
        assertThat(components.reports().costDay(LocalDate.parse("2026-08-12")).orElseThrow().rows())
                .containsExactly(restated.rows().get(0));
        assertThat(components.spend().read(SpendScope.workspace(BATCH), LocalDate.parse("2026-08-12"),
                LocalDate.parse("2026-08-12")).get(0).settledCents()).contains(BigDecimal.ZERO);
        assertThat(components.spend().read(SpendScope.ORG, LocalDate.parse("2026-08-12"),
                LocalDate.parse("2026-08-12")).get(0).settledCents().orElseThrow()).isEqualByComparingTo("30");
        // AND the days outside the look-back are untouched
        assertThat(components.reports().costDay(LocalDate.parse("2026-08-10")).orElseThrow().totalCents())
                .isEqualByComparingTo("977");
    }

    @Test
    void missedDaysAreCaughtUpFromTheWatermark() {
        // GIVEN a watermark six days back (four daily runs failed)
        setWatermark("2026-08-08T00:00:00Z");
        List<CostDay> days = new ArrayList<>();
        for (LocalDate d = LocalDate.parse("2026-08-08"); d.isBefore(LocalDate.parse("2026-08-14")); d = d.plusDays(1)) {
            days.add(new CostDay(d, List.of(row(d.toString(), null, "tokens", "claude-opus-4-6", "standard",
                    "output_tokens", "100"))));
        }
        api.server().stubFor(FakeAdminApi.costPage(null).willReturn(json(ReportJsonWriter.costPage(days, false,
                null))));

        IngestSummary summary = job.run(DAILY_RUN, api.deadline());

        // THEN one run pulls from the watermark and stores all six days
        api.server().verify(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("starting_at", equalTo("2026-08-08T00:00:00Z")));
        assertThat(summary.bucketsStored()).isEqualTo(6);
        assertThat(components.watermarks().get(ReportKind.COST).orElseThrow().settledThrough())
                .isEqualTo(LocalDate.parse("2026-08-13"));
    }

    @Test
    void aRateLimitIsWaitedOutAndTheRunCompletes() {
        // GIVEN page 2 answers 429 with retry-after: 2 once
        List<List<CostDay>> pages = fiveDaysInThreePages("465.000000");
        serve(pages);
        api.server().stubFor(FakeAdminApi.costPage("page_2").inScenario("limit")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("waited")
                .willReturn(aResponse().withStatus(429).withHeader("retry-after", "2")
                        .withHeader("content-type", "application/json")
                        .withBody(ReportJsonWriter.errorBody("rate_limit_error", "slow down"))));
        api.server().stubFor(FakeAdminApi.costPage("page_2").inScenario("limit").whenScenarioStateIs("waited")
                .willReturn(json(ReportJsonWriter.costPage(pages.get(1), true, "page_3"))));
        setWatermark("2026-08-09T00:00:00Z");

        IngestSummary summary = job.run(DAILY_RUN, api.deadline());

        assertThat(summary.bucketsStored()).isEqualTo(5);
        assertThat(api.sleeper().total()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        api.server().verify(4, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));
    }

    @Test
    void anUnauthorisedKeyFailsWithoutRetryStoresNothingAndNeverShowsTheKey() {
        api.server().stubFor(FakeAdminApi.costPage(null).willReturn(aResponse().withStatus(401)
                .withHeader("content-type", "application/json")
                .withBody(ReportJsonWriter.errorBody("authentication_error", "invalid x-api-key"))));
        List<String> logs = new ArrayList<>();
        try (AutoCloseable sink = Log.addSink(logs::add)) {
            assertThatThrownBy(() -> job.run(DAILY_RUN, api.deadline()))
                    .isInstanceOfSatisfying(AuthenticationException.class, e -> {
                        assertThat(e.errorType()).isEqualTo("authentication_error");
                        assertThat(e.getMessage()).doesNotContain(KEY);
                    });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));
        assertThat(components.watermarks().get(ReportKind.COST)).isEmpty();
        assertThat(components.reports().costDay(LocalDate.parse("2026-08-13"))).isEmpty();
        assertThat(logs).noneMatch(line -> line.contains(KEY));
    }

    @Test
    void aMalformedPageStoresNothingOfItAndTheWatermarkStopsBeforeIt() {
        // GIVEN page 2 is truncated JSON
        List<List<CostDay>> pages = fiveDaysInThreePages("465.000000");
        serve(pages);
        api.server().stubFor(FakeAdminApi.costPage("page_2").willReturn(json("{\"data\": [{\"starting_at\": ")));
        setWatermark("2026-08-09T00:00:00Z");

        // WHEN the run goes, THEN it fails visibly
        assertThatThrownBy(() -> job.run(DAILY_RUN, api.deadline())).isInstanceOf(ReportParseException.class);

        // AND page 1's days are stored, nothing of page 2 is, and the watermark stops after page 1
        assertThat(components.reports().costDay(LocalDate.parse("2026-08-10"))).isPresent();
        assertThat(components.reports().costDay(LocalDate.parse("2026-08-11"))).isEmpty();
        assertThat(components.reports().costDay(LocalDate.parse("2026-08-12"))).isEmpty();
        assertThat(components.watermarks().get(ReportKind.COST).orElseThrow().storedThrough())
                .isEqualTo(Instant.parse("2026-08-11T00:00:00Z"));
    }

    @Test
    void theHandlerRunsFromTheScheduledEventAndABackfillEvent() throws Exception {
        serve(fiveDaysInThreePages("465.000000"));
        setWatermark("2026-08-09T00:00:00Z");
        CostReportHandler handler = new CostReportHandler(new IngestInvocation(ReportKind.COST, job::run, api.clock(),
                Duration.ofSeconds(20)));

        // The scheduled event in events/ is for 2026-11-24; this test's clock stands at 2026-08-14, so the window
        // ends at today's date on the clock: a scheduled time in the future never pulls an incomplete day.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(readEvent("cost-report-scheduled.json")), out,
                new TestContext());
        IngestSummary summary = Json.mapper().readValue(out.toByteArray(), IngestSummary.class);
        assertThat(summary.windowTo()).isEqualTo(Instant.parse("2026-08-14T00:00:00Z"));
        assertThat(summary.bucketsStored()).isEqualTo(5);

        assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(readEvent("cost-report-backfill.json")),
                new ByteArrayOutputStream(), new TestContext())).hasMessageContaining("nothing complete to pull");
        assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream("{\"from\":\"yesterday\"}".getBytes()),
                new ByteArrayOutputStream(), new TestContext())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("YYYY-MM-DD");
        assertThat(EventLoader.loadScheduledEvent("events/eventbridge-scheduled-event.json").getTime()).isNotNull();
    }

    private static byte[] readEvent(String name) throws Exception {
        return Files.readAllBytes(Path.of(CostReportJobTest.class.getResource("/events/" + name).toURI()));
    }
}
