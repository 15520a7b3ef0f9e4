package org.costobservatory.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.costobservatory.anthropic.FakeAdminApi.costPage;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;
import static org.costobservatory.anthropic.FakeAdminApi.json;
import static org.costobservatory.anthropic.FakeAdminApi.usagePage;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.UsageBucket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad pages: the pull must stop with a typed failure, and nothing from the bad page may be handed on. */
class AdminApiClientMalformedPageTest {
    private static final String KEY = "sk-ant-admin01-malformed-test-key";
    private static final String PAGE_2 = "page_MjAyNi0wOC0xMVQwMDowMDowMFo=";
    private static final LocalDate FROM = LocalDate.parse("2026-08-10");
    private static final LocalDate TO = LocalDate.parse("2026-08-14");
    private static final String GOOD_PAGE_2 = fixture("cost-report-page-2.json");

    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    private record Delivery(int page, List<LocalDate> days) {
    }

    static Stream<Arguments> badCostPages() {
        return Stream.of(
                Arguments.of("truncated JSON", GOOD_PAGE_2.substring(0, GOOD_PAGE_2.length() / 2), "malformed JSON"),
                Arguments.of("amount abc", GOOD_PAGE_2.replace("\"120.600000\"", "\"abc\""), "plain decimal"),
                Arguments.of("negative amount", GOOD_PAGE_2.replace("\"120.600000\"", "\"-120.6\""), "negative"),
                Arguments.of("NaN amount", GOOD_PAGE_2.replace("\"120.600000\"", "\"NaN\""), "finite"),
                Arguments.of("1e30 amount", GOOD_PAGE_2.replace("\"120.600000\"", "\"1e30\""), "plain decimal"),
                Arguments.of("huge amount", GOOD_PAGE_2.replace("\"120.600000\"", "\"100000000000000\""),
                        "implausibly large"),
                Arguments.of("missing has_more", GOOD_PAGE_2.replace("\"has_more\": true,", ""), "has_more"),
                Arguments.of("has_more as a string", GOOD_PAGE_2.replace("\"has_more\": true", "\"has_more\": \"yes\""),
                        "has_more"),
                Arguments.of("data not an array", "{\"data\": {}, \"has_more\": false, \"next_page\": null}", "data"),
                Arguments.of("euro amounts", GOOD_PAGE_2.replace("\"currency\": \"USD\",\n          \"description\": "
                        + "\"Code", "\"currency\": \"EUR\",\n          \"description\": \"Code"), "EUR"),
                Arguments.of("a bucket that is not a whole day", GOOD_PAGE_2.replace(
                        "\"ending_at\": \"2026-08-13T00:00:00Z\"", "\"ending_at\": \"2026-08-12T12:00:00Z\""),
                        "one day"),
                Arguments.of("an HTML page with status 200", "<html>maintenance</html>", "malformed JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCostPages")
    void aMalformedPageStopsThePullAfterTheGoodPagesBeforeIt(String name, String badPage, String expected) {
        // GIVEN page 1 is fine and page 2 is malformed
        assertThat(badPage).isNotEqualTo(GOOD_PAGE_2);
        api.server().stubFor(costPage(null).willReturn(json(fixture("cost-report-page-1.json"))));
        api.server().stubFor(costPage(PAGE_2).willReturn(json(badPage)));
        List<Delivery> delivered = new ArrayList<>();

        // WHEN the report is pulled
        ReportParseException failure = catchThrowableOfType(ReportParseException.class, () ->
                api.client(new StaticAdminKey(KEY)).costReport(FROM, TO, api.deadline(), (days, page) ->
                        delivered.add(new Delivery(page, days.stream().map(CostDay::date).toList()))));

        // THEN only page 1 was handed on, the bad page was not retried, and the message says what was wrong
        assertThat(delivered).containsExactly(new Delivery(1, List.of(FROM)));
        assertThat(failure.getMessage()).contains("/v1/organizations/cost_report", "page 2", expected);
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.httpStatus()).isEqualTo(200);
        assertThat(failure.requestId()).isEqualTo("req_test_ok");
        assertThat(api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)))).hasSize(2);
    }

    @Test
    void hasMoreWithoutACursorIsAPaginationFailureAndThatPageIsNotHandedOn() {
        // GIVEN page 2 says there is more but gives no cursor
        api.server().stubFor(costPage(null).willReturn(json(fixture("cost-report-page-1.json"))));
        api.server().stubFor(costPage(PAGE_2).willReturn(json(GOOD_PAGE_2.replace(
                "\"next_page\": \"page_MjAyNi0wOC0xM1QwMDowMDowMFo=\"", "\"next_page\": null"))));
        List<Integer> delivered = new ArrayList<>();

        // WHEN pulled
        PaginationException failure = catchThrowableOfType(PaginationException.class, () ->
                api.client(new StaticAdminKey(KEY)).costReport(FROM, TO, api.deadline(),
                        (days, page) -> delivered.add(page)));

        // THEN page 1 only was delivered and the failure explains the broken cursor
        assertThat(delivered).containsExactly(1);
        assertThat(failure.getMessage()).contains("page 2", "has_more", "cursor");
    }

    @Test
    void aCursorSeenBeforeIsAPaginationLoopAndThatPageIsNotHandedOn() {
        // GIVEN page 2 points back at itself
        api.server().stubFor(costPage(null).willReturn(json(fixture("cost-report-page-1.json"))));
        api.server().stubFor(costPage(PAGE_2).willReturn(json(GOOD_PAGE_2.replace(
                "page_MjAyNi0wOC0xM1QwMDowMDowMFo=", PAGE_2))));
        List<Integer> delivered = new ArrayList<>();

        // WHEN pulled
        PaginationException failure = catchThrowableOfType(PaginationException.class, () ->
                api.client(new StaticAdminKey(KEY)).costReport(FROM, TO, api.deadline(),
                        (days, page) -> delivered.add(page)));

        // THEN it stopped after two requests, having delivered page 1 only
        assertThat(delivered).containsExactly(1);
        assertThat(failure.getMessage()).contains("already used");
        assertThat(api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)))).hasSize(2);
    }

    @Test
    void aReportThatNeverEndsStopsAtTheConfiguredPageLimit() {
        // GIVEN every page says there is more, each with a new cursor
        api.server().stubFor(costPage(null).willReturn(json(endless("c1"))));
        for (int i = 1; i <= 5; i++) {
            api.server().stubFor(costPage("c" + i).willReturn(json(endless("c" + (i + 1)))));
        }
        List<Integer> delivered = new ArrayList<>();

        // WHEN pulled with at most 3 pages
        PaginationException failure = catchThrowableOfType(PaginationException.class, () ->
                api.client(new StaticAdminKey(KEY), FakeAdminApi.testPolicy().withMaxPages(3))
                        .costReport(FROM, TO, api.deadline(), (days, page) -> delivered.add(page)));

        // THEN three pages were fetched and delivered, no fourth request was sent
        assertThat(delivered).containsExactly(1, 2, 3);
        assertThat(api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)))).hasSize(3);
        assertThat(failure.getMessage()).contains("3 pages");
    }

    private static String endless(String next) {
        return "{\"data\":[],\"has_more\":true,\"next_page\":\"" + next + "\"}";
    }

    static Stream<Arguments> badUsageCounts() {
        return Stream.of(
                Arguments.of("a float token count", "\"output_tokens\": 950000", "\"output_tokens\": 950000.5"),
                Arguments.of("a negative token count", "\"output_tokens\": 950000", "\"output_tokens\": -1"),
                Arguments.of("a token count as a string", "\"output_tokens\": 950000", "\"output_tokens\": \"950000\""),
                Arguments.of("a count beyond a long", "\"output_tokens\": 950000",
                        "\"output_tokens\": 99999999999999999999"),
                Arguments.of("a nested float", "\"ephemeral_1h_input_tokens\": 200000",
                        "\"ephemeral_1h_input_tokens\": 2.0e5"),
                Arguments.of("a bucket longer than an hour", "\"ending_at\": \"2026-08-10T15:00:00Z\"",
                        "\"ending_at\": \"2026-08-10T16:00:00Z\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUsageCounts")
    void aUsagePageWithBadTokenCountsIsRefusedAndNotHandedOn(String name, String good, String bad) {
        // GIVEN usage page 1 is fine and page 2 has a bad value
        String page2 = fixture("usage-report-page-2.json");
        assertThat(page2).contains(good);
        api.server().stubFor(usagePage(null).willReturn(json(fixture("usage-report-page-1.json"))));
        api.server().stubFor(usagePage("page_MjAyNi0wOC0xMFQxNDowMDowMFo=")
                .willReturn(json(page2.replace(good, bad))));
        List<List<Instant>> delivered = new ArrayList<>();

        // WHEN the hourly report is pulled
        ReportParseException failure = catchThrowableOfType(ReportParseException.class, () ->
                api.client(new StaticAdminKey(KEY)).usageReport(UsageReportQuery.hourly(
                                Instant.parse("2026-08-10T12:00:00Z"), Instant.parse("2026-08-10T18:00:00Z")),
                        api.deadline(), (buckets, page) ->
                                delivered.add(buckets.stream().map(UsageBucket::start).toList())));

        // THEN only page 1's two buckets were delivered and the message names the usage report page 2
        assertThat(delivered).containsExactly(List.of(Instant.parse("2026-08-10T12:00:00Z"),
                Instant.parse("2026-08-10T13:00:00Z")));
        assertThat(failure.getMessage()).contains("usage_report/messages", "page 2", "data[0]");
    }
}
