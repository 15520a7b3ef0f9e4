package org.costobservatory.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.costobservatory.alert.AlertMessage;
import org.costobservatory.alert.AlertPublisher;
import org.costobservatory.anthropic.AdminKeySource;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.ReportJsonWriter;
import org.costobservatory.anthropic.RetryPolicy;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.config.Config;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.domain.Workspace;
import org.costobservatory.ingest.CostReportJob;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.UsageReportJob;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.TableDump;
import org.costobservatory.wiring.Components;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One system under test for the suite: WireMock as Anthropic's Admin API, DynamoDB Local (optionally behind
 * fault-injecting SDK interceptors), the fake clock and recording sleeper, and the real jobs and stores.
 *
 * <p>The fake clock stands at {@link FakeAdminApi#NOW} (2026-08-14T02:30Z), so the daily run covers days up to the
 * 13th and the hourly run hours up to 02:00.
 */
final class Fixture {
    static final String KEY = "sk-ant-admin01-fixture-" + "k".repeat(30);
    static final IngestRequest DAILY = new IngestRequest.Scheduled(Instant.parse("2026-08-14T02:30:00Z"));
    static final IngestRequest HOURLY = new IngestRequest.Scheduled(Instant.parse("2026-08-14T02:10:00Z"));
    static final String SUPPORT = "wrkspc_01AbCdEfGhIjKlMnOpQrStUv";
    static final String BATCH = "wrkspc_01ZyXwVuTsRqPoNmLkJiHgFe";

    final FakeAdminApi api;
    final DynamoDbLocal local;
    final String table;
    final DynamoDbClient dynamo;
    final Components components;
    final CostReportJob cost;
    final UsageReportJob usage;
    final List<AlertMessage> published = new CopyOnWriteArrayList<>();

    Fixture(FakeAdminApi api, ExecutionInterceptor... interceptors) {
        this(api, StaticKey.of(KEY), null, RetryPolicy.DEFAULT.withRequestTimeout(FakeAdminApi.TEST_REQUEST_TIMEOUT),
                DynamoDbLocal.shared().newTable(), interceptors);
    }

    Fixture(FakeAdminApi api, AdminKeySource keys, AlertPublisher publisher, RetryPolicy policy, String table,
            ExecutionInterceptor... interceptors) {
        this(api, keys, publisher, policy, DynamoDbLocal.shared(), table, interceptors);
    }

    Fixture(FakeAdminApi api, AdminKeySource keys, AlertPublisher publisher, RetryPolicy policy, DynamoDbLocal local,
            String table, ExecutionInterceptor... interceptors) {
        this.api = api;
        this.table = table;
        this.local = local;
        // Injected faults should exhaust the SDK's retries quickly: same retry logic, millisecond waits.
        this.dynamo = interceptors.length == 0 ? local.client() : local.fastRetryClient(interceptors);
        AlertPublisher recording = publisher != null ? publisher : message -> {
            published.add(message);
            return "message-" + published.size();
        };
        this.components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(dynamo).clock(api.clock())
                .adminReports(() -> api.client(keys, policy))
                .alertPublisher(recording).build();
        this.cost = components.costReportJob();
        this.usage = components.usageReportJob();
        api.server().stubFor(get(urlPathEqualTo(FakeAdminApi.WORKSPACES_PATH)).willReturn(json(
                ReportJsonWriter.workspacesPage(List.of(new Workspace(SUPPORT, "Support Bot", Optional.empty()),
                        new Workspace(BATCH, "Nightly Batch", Optional.empty())), false))));
        api.server().stubFor(get(urlPathEqualTo(FakeAdminApi.API_KEYS_PATH)).willReturn(json(
                ReportJsonWriter.apiKeysPage(List.of(new ApiKey("apikey_01SupportProd", "support-bot", "active", SUPPORT),
                        new ApiKey("apikey_01BatchRunner", "nightly-batch", "inactive", BATCH),
                        new ApiKey("apikey_01Scripts", "scripts", "active", "default")), false))));
    }

    /** A second system on the same table (a concurrent or later run), without interceptors. */
    Fixture sameTable() {
        return new Fixture(api, StaticKey.of(KEY), null, RetryPolicy.DEFAULT.withRequestTimeout(
                FakeAdminApi.TEST_REQUEST_TIMEOUT), local, table);
    }

    /** A system on a given store, with fault interceptors. */
    static Fixture on(FakeAdminApi api, DynamoDbLocal local, String table, ExecutionInterceptor... interceptors) {
        return new Fixture(api, StaticKey.of(KEY), null, RetryPolicy.DEFAULT.withRequestTimeout(
                FakeAdminApi.TEST_REQUEST_TIMEOUT), local, table, interceptors);
    }

    /** A fresh table for the clean-run oracle. */
    Fixture oracle() {
        return new Fixture(api);
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(body);
    }

    static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("content-type", "application/json")
                .withBody(ReportJsonWriter.errorBody(type, message));
    }

    // ------------------------------------------------------------------ report fixtures

    /** Days {@code from..to} of the cost report, a few lines each, the Default workspace, batch and web search. */
    static List<CostDay> costDays(String from, String to, String scale) {
        List<CostDay> days = new ArrayList<>();
        for (LocalDate day = LocalDate.parse(from); !day.isAfter(LocalDate.parse(to)); day = day.plusDays(1)) {
            BigDecimal factor = new BigDecimal(scale).add(BigDecimal.valueOf(day.getDayOfMonth()));
            days.add(new CostDay(day, List.of(
                    cost(day, null, "tokens", "claude-sonnet-4-5-20250929", "standard", "output_tokens",
                            factor.multiply(new BigDecimal("10.5"))),
                    cost(day, SUPPORT, "tokens", "claude-haiku-4-5-20251001", "standard",
                            "cache_creation.ephemeral_1h_input_tokens", factor.multiply(new BigDecimal("1.25"))),
                    cost(day, BATCH, "tokens", "claude-opus-4-5-20251101", "batch", "uncached_input_tokens",
                            factor.multiply(new BigDecimal("33.333333"))),
                    cost(day, null, "web_search", null, null, null, new BigDecimal("3.000000")))));
        }
        return days;
    }

    static CostRow cost(LocalDate day, String workspace, String type, String model, String tier, String tokenType,
                        BigDecimal cents) {
        return new CostRow(day, workspace, type + " " + model + " " + tokenType, type, model, tier, tokenType,
                model == null ? null : "0-200k", model == null ? null : "not_available", "USD", cents);
    }

    /** Hours {@code [from, to)} of the usage report. */
    static List<UsageBucket> usageHours(String from, String to, long scale) {
        List<UsageBucket> buckets = new ArrayList<>();
        for (Instant hour = Instant.parse(from); hour.isBefore(Instant.parse(to)); hour = hour.plusSeconds(3600)) {
            long n = hour.getEpochSecond() / 3600 % 7 + scale;
            buckets.add(new UsageBucket(hour, hour.plusSeconds(3600), n % 5 == 0 ? List.of() : List.of(
                    new UsageRow(hour, null, null, "claude-opus-4-6", "standard", "0-200k", 1000 * n, 500 * n, 40 * n,
                            10 * n, 300 * n, n % 3),
                    new UsageRow(hour, SUPPORT, "apikey_01Support", "claude-haiku-4-5-20251001", "batch", "0-200k",
                            20_000 * n, 0, 0, 0, 4_000 * n, 0),
                    new UsageRow(hour, BATCH, "apikey_01Batch", "claude-opus-4-6", "priority", "0-200k", 900 * n, 0, 0,
                            0, 700 * n, 0))));
        }
        return buckets;
    }

    /**
     * Hours {@code [from, to)} of usage on the keys {@link #costDays} bills (the Default workspace's Sonnet 4.5 output,
     * the Support Bot's Haiku 4.5 one-hour cache writes), at a steady rate, so prices can be learned from them.
     */
    static List<UsageBucket> billedUsageHours(String from, String to) {
        List<UsageBucket> buckets = new ArrayList<>();
        for (Instant hour = Instant.parse(from); hour.isBefore(Instant.parse(to)); hour = hour.plusSeconds(3600)) {
            buckets.add(new UsageBucket(hour, hour.plusSeconds(3600), List.of(
                    new UsageRow(hour, null, "apikey_01Default", "claude-sonnet-4-5-20250929", "standard", "0-200k",
                            0, 0, 0, 0, 20_000, 0),
                    new UsageRow(hour, SUPPORT, "apikey_01Support", "claude-haiku-4-5-20251001", "standard",
                            "0-200k", 0, 0, 0, 5_000, 0, 0))));
        }
        return buckets;
    }

    /** Serves {@code days} as pages of {@code perPage} days; returns the cursors (null for the first page). */
    List<String> serveCost(List<CostDay> days, int perPage) {
        List<String> cursors = new ArrayList<>();
        for (int i = 0, page = 1; i < days.size(); i += perPage, page++) {
            List<CostDay> slice = days.subList(i, Math.min(days.size(), i + perPage));
            boolean more = i + perPage < days.size();
            String cursor = page == 1 ? null : "page_" + page;
            cursors.add(cursor);
            api.server().stubFor(FakeAdminApi.costPage(cursor).atPriority(5).willReturn(json(
                    ReportJsonWriter.costPage(slice, more, more ? "page_" + (page + 1) : null))));
        }
        return cursors;
    }

    List<String> serveUsage(List<UsageBucket> buckets, int perPage) {
        List<String> cursors = new ArrayList<>();
        for (int i = 0, page = 1; i < buckets.size(); i += perPage, page++) {
            List<UsageBucket> slice = buckets.subList(i, Math.min(buckets.size(), i + perPage));
            boolean more = i + perPage < buckets.size();
            String cursor = page == 1 ? null : "page_" + page;
            cursors.add(cursor);
            api.server().stubFor(FakeAdminApi.usagePage(cursor).atPriority(5).willReturn(json(
                    ReportJsonWriter.usagePage(slice, more, more ? "page_" + (page + 1) : null))));
        }
        return cursors;
    }

    void setCostWatermark(String storedThrough) {
        Instant at = Instant.parse(storedThrough);
        components.watermarks().advance(ReportKind.COST, at, at);
    }

    void setUsageWatermark(String storedThrough) {
        Instant at = Instant.parse(storedThrough);
        components.watermarks().advance(ReportKind.USAGE, at, at);
    }

    Instant costWatermark() {
        return components.watermarks().get(ReportKind.COST).orElseThrow().storedThrough();
    }

    /** Every item of this system's table without run metadata (the N3 comparison). */
    List<String> state() {
        return TableDump.withoutRunMetadata(dynamo, table);
    }

    /** Fact and rollup items only (watermark bookkeeping differs between a resumed and a clean run). */
    List<String> facts() {
        Predicate<String> fact = item -> item.contains("pk=AttributeValue(S=COST#")
                || item.contains("pk=AttributeValue(S=USAGE#") || item.contains("pk=AttributeValue(S=SPEND#");
        return state().stream().filter(fact).toList();
    }

    BigDecimal storedCostCents(String from, String to) {
        BigDecimal total = BigDecimal.ZERO;
        for (LocalDate day = LocalDate.parse(from); !day.isAfter(LocalDate.parse(to)); day = day.plusDays(1)) {
            total = total.add(components.reports().costDay(day).orElseThrow().totalCents());
        }
        return total;
    }

    static Instant midnight(String date) {
        return LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** A key source that never rotates. */
    static final class StaticKey {
        private StaticKey() {
        }

        static AdminKeySource of(String key) {
            return new StaticAdminKey(key);
        }
    }
}
