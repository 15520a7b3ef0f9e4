package org.costobservatory.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.havingExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;
import static org.costobservatory.anthropic.FakeAdminApi.json;
import static org.costobservatory.anthropic.FakeAdminApi.usagePage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.budget.SpendRollups;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminApiClientUsageReportTest {
    private static final String KEY = "sk-ant-admin01-usage-report-test-key";
    private static final String PAGE_2 = "page_MjAyNi0wOC0xMFQxNDowMDowMFo=";
    private static final String PAGE_3 = "page_MjAyNi0wOC0xMFQxNjowMDowMFo=";
    private static final Instant FROM = Instant.parse("2026-08-10T12:00:00Z");
    private static final Instant TO = Instant.parse("2026-08-10T18:00:00Z");

    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    private List<UsageBucket> pull(UsageReportQuery query) {
        List<UsageBucket> buckets = new ArrayList<>();
        List<Integer> pages = new ArrayList<>();
        api.client(new StaticAdminKey(KEY)).usageReport(query, api.deadline(), (page, number) -> {
            buckets.addAll(page);
            pages.add(number);
        });
        assertThat(pages).as("pages are numbered in order").isEqualTo(
                java.util.stream.IntStream.rangeClosed(1, pages.size()).boxed().toList());
        return buckets;
    }

    private void stubThreePages() {
        api.server().stubFor(usagePage(null).willReturn(json(fixture("usage-report-page-1.json"))));
        api.server().stubFor(usagePage(PAGE_2).willReturn(json(fixture("usage-report-page-2.json"))));
        api.server().stubFor(usagePage(PAGE_3).willReturn(json(fixture("usage-report-page-3.json"))));
    }

    @Test
    void pullsThreeHourlyPagesKeepingEmptyBucketsAndNestedCacheWrites() {
        // GIVEN six hours of usage served as three pages, every second hour empty
        stubThreePages();

        // WHEN the hourly pull runs
        List<UsageBucket> buckets = pull(UsageReportQuery.hourly(FROM, TO));

        // THEN all six buckets arrive in order, empty ones included
        assertThat(buckets).extracting(UsageBucket::start).containsExactly(
                FROM, FROM.plusSeconds(3600), FROM.plusSeconds(7200), FROM.plusSeconds(10800),
                FROM.plusSeconds(14400), FROM.plusSeconds(18000));
        assertThat(buckets).extracting(bucket -> bucket.rows().size()).containsExactly(2, 0, 1, 0, 1, 0);

        // AND the Priority Tier row of the Default workspace and Console usage (no key) keeps every count
        UsageRow priority = buckets.get(0).rows().get(0);
        assertThat(priority).isEqualTo(new UsageRow(FROM, "default", "none", "claude-opus-4-6", "priority", "0-200k",
                150_000, 610_000, 12_000, 0, 41_000, 0));
        assertThat(SpendRollups.absentFromCostReport(priority)).isTrue();
        assertThat(buckets.get(0).rows().get(1)).isEqualTo(new UsageRow(FROM, "wrkspc_01AbCdEfGhIjKlMnOpQrStUv",
                "apikey_01Rj2N8SVvo6BePZj99NhmiT", "claude-opus-4-6", "standard", "0-200k", 9_100, 0, 0, 0, 2_300,
                0));

        // AND a batch row's 1-hour cache writes land in the 1h field, web searches in their own field
        UsageRow batch = buckets.get(2).rows().get(0);
        assertThat(batch.serviceTier()).isEqualTo("batch");
        assertThat(batch.cacheCreation1hInputTokens()).isEqualTo(200_000);
        assertThat(batch.cacheCreation5mInputTokens()).isZero();
        assertThat(batch.webSearchRequests()).isEqualTo(12);
        assertThat(batch.uncachedInputTokens()).isEqualTo(8_400_000);
        assertThat(batch.outputTokens()).isEqualTo(950_000);

        // AND 5-minute writes land in the 5m field; the flat cache_creation_input_tokens is ignored; a new tier is kept
        UsageRow flex = buckets.get(4).rows().get(0);
        assertThat(flex.cacheCreation5mInputTokens()).isEqualTo(95_000);
        assertThat(flex.cacheCreation1hInputTokens()).isZero();
        assertThat(flex.totalInputTokens()).isEqualTo(402_000 + 1_330_000 + 95_000);
        assertThat(flex.serviceTier()).isEqualTo("flex_discount");
        assertThat(flex.workspaceId()).isEqualTo("default");
        assertThat(flex.webSearchRequests()).isEqualTo(3);
    }

    @Test
    void sendsFiveGroupByDimensionsAndFiltersAsRepeatedArrayParameters() {
        // GIVEN a three-page report and a query with the five stored dimensions and two filters
        stubThreePages();
        UsageReportQuery query = UsageReportQuery.hourly(FROM, TO)
                .withFilter("models", List.of("claude-opus-4-6", "claude-sonnet-4-5-20250929"))
                .withFilter("context_window", List.of("0-200k"))
                .withLimit(2);

        // WHEN it is pulled
        pull(query);

        // THEN every page request repeats the same query: five group_by[], repeated filters, width and limit
        api.server().verify(3, getRequestedFor(urlPathEqualTo(FakeAdminApi.USAGE_PATH))
                .withQueryParam("starting_at", equalTo("2026-08-10T12:00:00Z"))
                .withQueryParam("ending_at", equalTo("2026-08-10T18:00:00Z"))
                .withQueryParam("bucket_width", equalTo("1h"))
                .withQueryParam("limit", equalTo("2"))
                .withQueryParam("group_by[]", havingExactly("model", "workspace_id", "api_key_id", "service_tier",
                        "context_window"))
                .withQueryParam("models[]", havingExactly("claude-opus-4-6", "claude-sonnet-4-5-20250929"))
                .withQueryParam("context_window[]", havingExactly("0-200k"))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("x-api-key", equalTo(KEY))
                .withHeader("anthropic-beta", absent()));
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.USAGE_PATH))
                .withQueryParam("page", equalTo(PAGE_3)));
    }

    @Test
    void withoutALimitAsksForTheLargestPageTheWidthAllows() {
        // GIVEN one empty page
        api.server().stubFor(usagePage(null).willReturn(json("{\"data\":[],\"has_more\":false,\"next_page\":null}")));

        // WHEN an hourly pull has no explicit limit
        pull(UsageReportQuery.hourly(FROM, TO));

        // THEN limit is 168, the documented maximum for 1h buckets
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.USAGE_PATH))
                .withQueryParam("limit", equalTo("168")));
    }

    @Test
    void refusesMoreThanFiveGroupByDimensionsBeforeAnyRequest() {
        // GIVEN six dimensions, which the API refuses with a 400
        List<String> six = List.of("model", "workspace_id", "api_key_id", "service_tier", "context_window",
                "inference_geo");

        // WHEN the query is built, THEN it is refused at once and nothing is sent
        assertThatThrownBy(() -> pull(UsageReportQuery.hourly(FROM, TO).withGroupBy(six)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 5");
        assertThat(api.server().getAllServeEvents()).isEmpty();
    }

    @Test
    void groupingBySpeedSendsTheFastModeBetaHeader() {
        // GIVEN one empty page
        api.server().stubFor(usagePage(null).willReturn(json("{\"data\":[],\"has_more\":false,\"next_page\":null}")));
        UsageReportQuery bySpeed = new UsageReportQuery(FROM, TO, BucketWidth.HOUR, List.of("model", "speed"),
                Map.of(), Optional.empty());

        // WHEN a report grouped by speed is pulled
        pull(bySpeed);

        // THEN the request carries the beta header that speed needs
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.USAGE_PATH))
                .withHeader("anthropic-beta", equalTo("fast-mode-2026-02-01"))
                .withQueryParam("group_by[]", havingExactly("model", "speed")));
    }

    @Test
    void filteringBySpeedAlsoSendsTheBetaHeader() {
        // GIVEN one empty page
        api.server().stubFor(usagePage(null).willReturn(json("{\"data\":[],\"has_more\":false,\"next_page\":null}")));

        // WHEN the report is filtered to fast-mode requests
        pull(UsageReportQuery.hourly(FROM, TO).withFilter("speeds", List.of("fast")));

        // THEN the filter is sent as speeds[] together with the beta header
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.USAGE_PATH))
                .withHeader("anthropic-beta", equalTo("fast-mode-2026-02-01"))
                .withQueryParam("speeds[]", havingExactly("fast")));
    }
}
