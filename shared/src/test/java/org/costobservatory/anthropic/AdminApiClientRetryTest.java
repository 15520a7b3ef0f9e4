package org.costobservatory.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.costobservatory.anthropic.FakeAdminApi.costPage;
import static org.costobservatory.anthropic.FakeAdminApi.error;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;
import static org.costobservatory.anthropic.FakeAdminApi.json;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.costobservatory.time.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AdminApiClientRetryTest {
    private static final String KEY = "sk-ant-admin01-retry-test-key-000";
    private static final String PAGE_2 = "page_MjAyNi0wOC0xMVQwMDowMDowMFo=";
    private static final String PAGE_3 = "page_MjAyNi0wOC0xM1QwMDowMDowMFo=";
    private static final LocalDate FROM = LocalDate.parse("2026-08-10");
    private static final LocalDate TO = LocalDate.parse("2026-08-14");

    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    /** Pages 1 and 3 always work; page 2 answers with {@code failures} in turn, then with its data. */
    private void stubPage2FailingWith(ResponseDefinitionBuilder... failures) {
        api.server().stubFor(costPage(null).willReturn(json(fixture("cost-report-page-1.json"))));
        api.server().stubFor(costPage(PAGE_3).willReturn(json(fixture("cost-report-page-3.json"))));
        String state = STARTED;
        for (int i = 0; i < failures.length; i++) {
            String nextState = "failure " + (i + 1) + " served";
            api.server().stubFor(costPage(PAGE_2).inScenario("page 2").whenScenarioStateIs(state)
                    .willReturn(failures[i]).willSetStateTo(nextState));
            state = nextState;
        }
        api.server().stubFor(costPage(PAGE_2).inScenario("page 2").whenScenarioStateIs(state)
                .willReturn(json(fixture("cost-report-page-2.json"))));
    }

    private List<Integer> pull(AdminApiClient client, Deadline deadline) {
        List<Integer> pages = new ArrayList<>();
        client.costReport(FROM, TO, deadline, (days, page) -> pages.add(page));
        return pages;
    }

    private static int requestsFor(String cursor) {
        return api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("page", equalTo(cursor))).size();
    }

    private static int allRequests() {
        return api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))).size();
    }

    @Test
    void waitsAsLongAsRetryAfterSaysThenRetriesTheSamePage() {
        // GIVEN page 2 of 3 is rate limited once with retry-after: 2
        stubPage2FailingWith(error(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit")
                .withHeader("retry-after", "2"));

        // WHEN the report is pulled
        List<Integer> pages = pull(api.client(new StaticAdminKey(KEY)), api.deadline());

        // THEN page 2 was requested exactly twice, four requests in all, and every page was delivered once
        assertThat(requestsFor(PAGE_2)).isEqualTo(2);
        assertThat(allRequests()).isEqualTo(4);
        assertThat(pages).containsExactly(1, 2, 3);

        // AND the one wait was at least the two seconds the server asked for
        assertThat(api.sleeper().sleeps()).hasSize(1);
        assertThat(api.sleeper().sleeps().get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void retriesOverloadedAndUnavailableWithJitteredBackoff() {
        // GIVEN page 2 answers 529 overloaded, then 503, then its data
        stubPage2FailingWith(error(529, "overloaded_error", "Overloaded"),
                error(503, "api_error", "Service unavailable"));

        // WHEN the report is pulled (jitter fixed at 0.5)
        List<Integer> pages = pull(api.client(new StaticAdminKey(KEY)), api.deadline());

        // THEN both transient failures were retried and the pull completed
        assertThat(requestsFor(PAGE_2)).isEqualTo(3);
        assertThat(pages).containsExactly(1, 2, 3);

        // AND the waits were half of the 1 s and 2 s back-off ceilings
        assertThat(api.sleeper().sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastErrorType() {
        // GIVEN page 2 is overloaded on every attempt
        api.server().stubFor(costPage(null).willReturn(json(fixture("cost-report-page-1.json"))));
        api.server().stubFor(costPage(PAGE_2).willReturn(error(529, "overloaded_error", "Overloaded")));
        List<Integer> pages = new ArrayList<>();

        // WHEN the report is pulled with the default five attempts
        RetriesExhaustedException failure = catchThrowableOfType(RetriesExhaustedException.class, () ->
                api.client(new StaticAdminKey(KEY)).costReport(FROM, TO, api.deadline(),
                        (days, page) -> pages.add(page)));

        // THEN it fails after exactly five requests for page 2, carrying the last error
        assertThat(requestsFor(PAGE_2)).isEqualTo(5);
        assertThat(failure.attempts()).isEqualTo(5);
        assertThat(failure.httpStatus()).isEqualTo(529);
        assertThat(failure.errorType()).isEqualTo("overloaded_error");
        assertThat(failure.apiMessage()).isEqualTo("Overloaded");
        assertThat(failure.requestId()).isEqualTo("req_test_529");
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.getMessage()).contains("/v1/organizations/cost_report", "5 attempts", "529",
                "overloaded_error");

        // AND the four waits followed the capped exponential ceilings (1, 2, 4, 8 s) times the jitter
        assertThat(api.sleeper().sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(4));

        // AND only page 1 was handed on
        assertThat(pages).containsExactly(1);
    }

    @Test
    void aRetryAfterBeyondTheDeadlineFailsFastInsteadOfSleeping() {
        // GIVEN page 1 is rate limited for an hour while only 60 s remain
        api.server().stubFor(costPage(null).willReturn(error(429, "rate_limit_error", "Rate limited")
                .withHeader("retry-after", "3600")));
        Deadline deadline = Deadline.after(api.clock(), Duration.ofSeconds(60));

        // WHEN the report is pulled
        RetriesExhaustedException failure = catchThrowableOfType(RetriesExhaustedException.class, () ->
                pull(api.client(new StaticAdminKey(KEY)), deadline));

        // THEN it fails after one request without sleeping, saying why
        assertThat(allRequests()).isEqualTo(1);
        assertThat(api.sleeper().sleeps()).isEmpty();
        assertThat(failure.getMessage()).contains("3600", "deadline", "retry-after");
        assertThat(failure.errorType()).isEqualTo("rate_limit_error");
        assertThat(failure.httpStatus()).isEqualTo(429);
    }

    @Test
    void anExpiredDeadlineSendsNothing() {
        // GIVEN a deadline that has already passed
        Deadline deadline = Deadline.at(api.clock(), api.clock().instant().minusSeconds(1));

        // WHEN the report is pulled, THEN it fails as retries exhausted and no request is sent
        RetriesExhaustedException failure = catchThrowableOfType(RetriesExhaustedException.class, () ->
                pull(api.client(new StaticAdminKey(KEY)), deadline));
        assertThat(failure.getMessage()).contains("deadline");
        assertThat(allRequests()).isZero();
    }

    @Test
    void honoursRetryAfterMsOverRetryAfter() {
        // GIVEN a 429 that gives both headers
        stubPage2FailingWith(error(429, "rate_limit_error", "slow down")
                .withHeader("retry-after-ms", "1250").withHeader("retry-after", "9"));

        // WHEN pulled
        pull(api.client(new StaticAdminKey(KEY)), api.deadline());

        // THEN the millisecond header wins
        assertThat(api.sleeper().sleeps()).containsExactly(Duration.ofMillis(1250));
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE",
            "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE"})
    void retriesBrokenConnectionsThenSucceeds(Fault fault) {
        // GIVEN page 2 fails at the connection level twice in a row (java.net.http itself re-sends an idempotent
        // GET once when the connection drops before the response starts, so one fault alone may never reach us)
        stubPage2FailingWith(aResponse().withFault(fault), aResponse().withFault(fault));

        // WHEN the report is pulled
        List<Integer> pages = pull(api.client(new StaticAdminKey(KEY)), api.deadline());

        // THEN both faults were served, our retry layer waited at least once, and every page was delivered
        assertThat(requestsFor(PAGE_2)).isEqualTo(3);
        assertThat(pages).containsExactly(1, 2, 3);
        assertThat(api.sleeper().sleeps()).isNotEmpty();
    }

    @Test
    void xShouldRetryFalseStopsAnOtherwiseRetryableStatus() {
        // GIVEN a 503 that the server says must not be retried
        api.server().stubFor(costPage(null).willReturn(error(503, "api_error", "Internal failure")
                .withHeader("x-should-retry", "false")));

        // WHEN pulled
        AdminApiException failure = catchThrowableOfType(AdminApiException.class, () ->
                pull(api.client(new StaticAdminKey(KEY)), api.deadline()));

        // THEN one request, a non-retryable failure naming the status and type
        assertThat(allRequests()).isEqualTo(1);
        assertThat(failure).isNotInstanceOf(RetriesExhaustedException.class);
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.httpStatus()).isEqualTo(503);
        assertThat(failure.getMessage()).contains("503", "api_error", "x-should-retry");
    }

    @Test
    void xShouldRetryTrueRetriesAStatusThatIsNormallyFinal() {
        // GIVEN a 409 conflict that the server marks retryable, then data
        stubPage2FailingWith(error(409, "conflict_error", "try again").withHeader("x-should-retry", "true"));

        // WHEN pulled
        List<Integer> pages = pull(api.client(new StaticAdminKey(KEY)), api.deadline());

        // THEN it was retried and completed
        assertThat(requestsFor(PAGE_2)).isEqualTo(2);
        assertThat(pages).containsExactly(1, 2, 3);
    }

    @Test
    void theSpendLimit429IsNeverRetried() {
        // GIVEN the organisation's spend cap is reached (429 without retry-after, error_code in details)
        api.server().stubFor(costPage(null).willReturn(aResponse().withStatus(429)
                .withHeader("x-should-retry", "true")
                .withBody(ReportJsonWriter.spendLimitErrorBody("You have reached your API usage limits.",
                        "req_spend"))));

        // WHEN pulled
        InvalidRequestException failure = catchThrowableOfType(InvalidRequestException.class, () ->
                pull(api.client(new StaticAdminKey(KEY)), api.deadline()));

        // THEN exactly one request, no wait, and a message that says what happened
        assertThat(allRequests()).isEqualTo(1);
        assertThat(api.sleeper().sleeps()).isEmpty();
        assertThat(failure.httpStatus()).isEqualTo(429);
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.getMessage()).contains("spend limit", "enforced_spend_limit_reached");
    }

    @Test
    void aNonJsonErrorPageStillExplainsTheFailure() {
        // GIVEN a proxy answering 502 with a long HTML page, every time
        String html = "<html><head><title>502 Bad Gateway</title></head><body>" + "x".repeat(5_000)
                + "</body></html>";
        api.server().stubFor(costPage(null).willReturn(aResponse().withStatus(502).withBody(html)
                .withHeader("content-type", "text/html")));

        // WHEN pulled with two attempts
        RetriesExhaustedException failure = catchThrowableOfType(RetriesExhaustedException.class, () ->
                pull(api.client(new StaticAdminKey(KEY), FakeAdminApi.testPolicy().withMaxAttempts(2)),
                        api.deadline()));

        // THEN the message shows the status and the start of the page, not all of it
        assertThat(failure.getMessage()).contains("HTTP 502", "<html><head><title>502 Bad Gateway");
        assertThat(failure.getMessage()).hasSizeLessThan(600);
        assertThat(failure.errorType()).isNull();
        assertThat(allRequests()).isEqualTo(2);
    }
}
