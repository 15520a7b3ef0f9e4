package org.costobservatory.functions.usagereport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.ReportJsonWriter;
import org.costobservatory.anthropic.ReportParseException;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.config.Config;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.ingest.IngestInvocation;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.ingest.UsageReportJob;
import org.costobservatory.json.Json;
import org.costobservatory.metrics.EmfMetrics;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.DailySpend;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.TestContext;
import org.costobservatory.wiring.Components;
import org.costobservatory.wiring.Functions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hourly usage run end to end: WireMock serves Anthropic's wire format, DynamoDB Local stores it. */
class UsageReportJobTest {
    private static final String KEY = "sk-ant-admin01-test-" + "y".repeat(24);
    private static final String SUPPORT = "wrkspc_01AbCdEfGhIjKlMnOpQrStUv";
    /** FakeAdminApi's clock stands at 2026-08-14T02:30Z; the run scheduled at 02:10 covers complete hours to 02:00. */
    private static final IngestRequest HOURLY_RUN = new IngestRequest.Scheduled(Instant.parse("2026-08-14T02:10:00Z"));

    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();
    private Components components;
    private UsageReportJob job;

    @BeforeEach
    void setUp() {
        DynamoDbLocal local = DynamoDbLocal.shared();
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(local.client())
                .clock(api.clock())
                .adminReports(() -> api.client(new StaticAdminKey(KEY)))
                .alertPublisher(message -> {
                    throw new AssertionError("no budget exists, so no alert may be published");
                })
                .build();
        job = components.usageReportJob();
        components.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-08-13T22:00:00Z"),
                Instant.parse("2026-08-13T22:00:00Z"));
    }

    private static Instant hour(String at) {
        return Instant.parse(at);
    }

    private static UsageBucket bucket(String start, UsageRow... rows) {
        Instant from = hour(start);
        return new UsageBucket(from, from.plus(Duration.ofHours(1)), List.of(rows));
    }

    private static UsageRow row(String at, String workspace, String key, String model, String tier, long uncached,
                                long read, long write5m, long write1h, long output, long searches) {
        return new UsageRow(hour(at), workspace, key, model, tier, "0-200k", uncached, read, write5m, write1h, output,
                searches);
    }

    /** Four hours over three pages: an empty hour, the Default workspace without a key, batch, priority, searches. */
    private static List<List<UsageBucket>> fourHoursInThreePages() {
        return List.of(
                List.of(bucket("2026-08-13T22:00:00Z",
                                row("2026-08-13T22:00:00Z", null, null, "claude-opus-4-6", "standard", 9100, 610000,
                                        12000, 4000, 2300, 3)),
                        bucket("2026-08-13T23:00:00Z")),
                List.of(bucket("2026-08-14T00:00:00Z",
                        row("2026-08-14T00:00:00Z", SUPPORT, "apikey_01Support", "claude-haiku-4-5-20251001",
                                "batch", 1_000_000, 0, 0, 0, 100_000, 0),
                        row("2026-08-14T00:00:00Z", SUPPORT, "apikey_01Support", "claude-opus-4-6", "priority",
                                150_000, 0, 0, 0, 41_000, 0))),
                List.of(bucket("2026-08-14T01:00:00Z",
                        row("2026-08-14T01:00:00Z", SUPPORT, "apikey_01Support", "claude-haiku-4-5-20251001",
                                "standard", 8_400_000, 0, 0, 200_000, 950_000, 12))));
    }

    private void serve(List<List<UsageBucket>> pages) {
        for (int i = 0; i < pages.size(); i++) {
            boolean more = i + 1 < pages.size();
            api.server().stubFor(FakeAdminApi.usagePage(i == 0 ? null : "page_" + (i + 1)).willReturn(FakeAdminApi.json(
                    ReportJsonWriter.usagePage(pages.get(i), more, more ? "page_" + (i + 2) : null))));
        }
    }

    @Test
    void storesEveryHourWithItsListPriceAndRollsItUp() {
        List<List<UsageBucket>> pages = fourHoursInThreePages();
        serve(pages);

        IngestSummary summary = job.run(HOURLY_RUN, api.deadline());

        // THEN every hour is stored line for line, the empty one included, each line priced
        BigDecimal fixtureCents = BigDecimal.ZERO;
        for (List<UsageBucket> page : pages) {
            for (UsageBucket bucket : page) {
                List<PricedUsageRow> stored = components.reports().usageHour(bucket.start()).orElseThrow().rows();
                assertThat(stored).extracting(PricedUsageRow::row).containsExactlyInAnyOrderElementsOf(bucket.rows());
                for (UsageRow row : bucket.rows()) {
                    fixtureCents = fixtureCents.add(components.pricer().price(row).cents());
                }
            }
        }
        // opus 22:00 = 55.3c; haiku batch = 75c; opus priority = 177.5c; haiku standard = 840 + 40 + 475 + 12 = 1367c
        assertThat(fixtureCents).isEqualByComparingTo("1674.8");
        BigDecimal rolledUp = BigDecimal.ZERO;
        for (DailySpend day : components.spend().read(SpendScope.ORG, LocalDate.parse("2026-08-13"),
                LocalDate.parse("2026-08-14"))) {
            for (var models : day.usageByHour().values()) {
                for (var spend : models.values()) {
                    rolledUp = rolledUp.add(spend.cents());
                }
            }
        }
        assertThat(rolledUp).isEqualByComparingTo(fixtureCents);
        DailySpend key = components.spend().read(SpendScope.apiKey("apikey_01Support"), LocalDate.parse("2026-08-14"),
                LocalDate.parse("2026-08-14")).get(0);
        assertThat(key.usageByHour().get(0).get("claude-opus-4-6").priorityCents()).isEqualByComparingTo("177.5");
        assertThat(key.workspaceId()).contains(SUPPORT);
        assertThat(summary.bucketsStored()).isEqualTo(4);
        assertThat(summary.pages()).isEqualTo(3);
        assertThat(components.watermarks().get(ReportKind.USAGE).orElseThrow().storedThrough())
                .isEqualTo(hour("2026-08-14T02:00:00Z"));
        // AND the request grouped by the five stored dimensions, hourly
        api.server().verify(getRequestedFor(urlPathEqualTo(FakeAdminApi.USAGE_PATH))
                .withQueryParam("bucket_width", equalTo("1h"))
                .withQueryParam("starting_at", equalTo("2026-08-13T22:00:00Z"))
                .withQueryParam("ending_at", equalTo("2026-08-14T02:00:00Z"))
                .withQueryParam("group_by[]", equalTo("context_window")));
    }

    @Test
    void aRestatedHourReplacesItsLinesAndItsRollups() {
        serve(fourHoursInThreePages());
        job.run(HOURLY_RUN, api.deadline());

        // WHEN the 03:10 run re-pulls 00:00-03:00 and hour 00 lost its priority line
        api.reset();
        api.clock().set(Instant.parse("2026-08-14T03:10:30Z"));
        UsageRow batch = row("2026-08-14T00:00:00Z", SUPPORT, "apikey_01Support", "claude-haiku-4-5-20251001",
                "batch", 1_000_000, 0, 0, 0, 100_000, 0);
        api.server().stubFor(FakeAdminApi.usagePage(null).willReturn(FakeAdminApi.json(ReportJsonWriter.usagePage(
                List.of(bucket("2026-08-14T00:00:00Z", batch), bucket("2026-08-14T01:00:00Z"),
                        bucket("2026-08-14T02:00:00Z")), false, null))));
        job.run(new IngestRequest.Scheduled(Instant.parse("2026-08-14T03:10:00Z")), api.deadline());

        // THEN hour 00 holds exactly the batch line, hour 01 is now empty, and the rollups followed
        assertThat(components.reports().usageHour(hour("2026-08-14T00:00:00Z")).orElseThrow().rows())
                .extracting(PricedUsageRow::row).containsExactly(batch);
        assertThat(components.reports().usageHour(hour("2026-08-14T01:00:00Z")).orElseThrow().rows()).isEmpty();
        DailySpend org = components.spend().read(SpendScope.ORG, LocalDate.parse("2026-08-14"),
                LocalDate.parse("2026-08-14")).get(0);
        assertThat(org.usageByHour().get(0)).containsOnlyKeys("claude-haiku-4-5-20251001");
        assertThat(org.usageByHour().get(1)).isEmpty();
        assertThat(components.watermarks().get(ReportKind.USAGE).orElseThrow().storedThrough())
                .isEqualTo(hour("2026-08-14T03:00:00Z"));
    }

    @Test
    void aMissingHourStopsTheWatermarkWithoutFailingTheRun() {
        // GIVEN the API leaves out hour 23:00
        api.server().stubFor(FakeAdminApi.usagePage(null).willReturn(FakeAdminApi.json(ReportJsonWriter.usagePage(
                List.of(bucket("2026-08-13T22:00:00Z"), bucket("2026-08-14T00:00:00Z"),
                        bucket("2026-08-14T01:00:00Z")), false, null))));

        IngestSummary summary = job.run(HOURLY_RUN, api.deadline());

        assertThat(summary.missingBuckets()).containsExactly(hour("2026-08-13T23:00:00Z"));
        assertThat(components.watermarks().get(ReportKind.USAGE).orElseThrow().storedThrough())
                .isEqualTo(hour("2026-08-13T23:00:00Z"));
    }

    @Test
    void aMalformedPageIsNotStored() {
        serve(fourHoursInThreePages());
        api.server().stubFor(FakeAdminApi.usagePage("page_3").willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"data\": [], \"next_page\": null}")));

        assertThatThrownBy(() -> job.run(HOURLY_RUN, api.deadline())).isInstanceOf(ReportParseException.class);

        assertThat(components.reports().usageHour(hour("2026-08-14T00:00:00Z"))).isPresent();
        assertThat(components.reports().usageHour(hour("2026-08-14T01:00:00Z"))).isEmpty();
        assertThat(components.watermarks().get(ReportKind.USAGE).orElseThrow().storedThrough())
                .isEqualTo(hour("2026-08-14T01:00:00Z"));
    }

    @Test
    void theHandlerRunsFromTheScheduledEvent() throws Exception {
        serve(fourHoursInThreePages());
        UsageReportHandler handler = new UsageReportHandler(new IngestInvocation(ReportKind.USAGE, job::run,
                api.clock(), Duration.ofSeconds(20)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(Path.of(getClass()
                .getResource("/events/usage-report-scheduled.json").toURI()))), out, new TestContext());

        IngestSummary summary = Json.mapper().readValue(out.toByteArray(), IngestSummary.class);
        assertThat(summary.report()).isEqualTo("usage");
        assertThat(summary.windowTo()).isEqualTo(hour("2026-08-14T02:00:00Z"));
        assertThat(summary.rowsStored()).isEqualTo(4);
    }

    @Test
    void theHandlerRecordsTheRunAndTheDataLagAsMetrics() throws Exception {
        serve(fourHoursInThreePages());
        List<String> lines = new ArrayList<>();
        UsageReportHandler handler = new UsageReportHandler(new IngestInvocation(ReportKind.USAGE, job::run,
                api.clock(), Duration.ofSeconds(20), new EmfMetrics("CostObservatory/test", lines::add),
                components.watermarks()));

        handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(Path.of(getClass()
                .getResource("/events/usage-report-scheduled.json").toURI()))), new ByteArrayOutputStream(),
                new TestContext());

        JsonNode run = metric(lines, "Rows");
        assertThat(run.get("Report").asText()).isEqualTo("usage");
        assertThat(run.get("Rows").asLong()).isEqualTo(4);
        assertThat(run.get("Buckets").asLong()).isEqualTo(4);
        assertThat(run.has("DurationMs")).isTrue();
        Duration lag = Duration.between(hour("2026-08-14T02:00:00Z"), api.clock().instant());
        assertThat(metric(lines, "DataLagMinutes").get("DataLagMinutes").asDouble())
                .isEqualTo(lag.toSeconds() / 60.0);
    }

    @Test
    void theDeployedWiringRecordsTheDataLagOfARunThatFails() throws Exception {
        List<String> lines = new ArrayList<>();
        Map<String, String> env = Map.of("TABLE_NAME", components.config().tableName(),
                "AWS_ENDPOINT_URL_DYNAMODB", DynamoDbLocal.shared().endpoint().toString(), "AWS_REGION", "us-east-1",
                "ANTHROPIC_ADMIN_KEY", KEY, "ANTHROPIC_ADMIN_BASE_URL", "http://127.0.0.1:1",
                "METRICS_NAMESPACE", "CostObservatory/test-stack");
        UsageReportHandler handler = new UsageReportHandler(Functions.ingest(ReportKind.USAGE, env, lines::add));
        Instant before = Instant.now();

        assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(Path.of(getClass()
                .getResource("/events/usage-report-scheduled.json").toURI()))), new ByteArrayOutputStream(),
                new TestContext(21_000))).isInstanceOf(RuntimeException.class);

        assertThat(lines).noneMatch(line -> line.contains("\"Rows\""));
        JsonNode lag = metric(lines, "DataLagMinutes");
        assertThat(lag.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("CostObservatory/test-stack");
        assertThat(lag.get("DataLagMinutes").asDouble()).isGreaterThanOrEqualTo(
                Duration.between(hour("2026-08-13T22:00:00Z"), before).toSeconds() / 60.0);
    }

    @Test
    void aStackDeployedWithoutOperatorMetricsWritesNone() throws Exception {
        List<String> lines = new ArrayList<>();
        Map<String, String> env = Map.of("TABLE_NAME", components.config().tableName(),
                "AWS_ENDPOINT_URL_DYNAMODB", DynamoDbLocal.shared().endpoint().toString(), "AWS_REGION", "us-east-1",
                "ANTHROPIC_ADMIN_KEY", KEY, "ANTHROPIC_ADMIN_BASE_URL", "http://127.0.0.1:1",
                "METRICS_NAMESPACE", "CostObservatory/test-stack", "METRICS_ENABLED", "false");
        UsageReportHandler handler = new UsageReportHandler(Functions.ingest(ReportKind.USAGE, env, lines::add));

        assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(Path.of(getClass()
                .getResource("/events/usage-report-scheduled.json").toURI()))), new ByteArrayOutputStream(),
                new TestContext(21_000))).isInstanceOf(RuntimeException.class);

        assertThat(lines).as("not even the data lag, which every run writes when metrics are on").isEmpty();
    }

    private static JsonNode metric(List<String> lines, String name) throws Exception {
        for (String line : lines) {
            JsonNode document = Json.mapper().readTree(line);
            if (document.has(name)) {
                return document;
            }
        }
        throw new AssertionError("no " + name + " in " + lines);
    }
}
