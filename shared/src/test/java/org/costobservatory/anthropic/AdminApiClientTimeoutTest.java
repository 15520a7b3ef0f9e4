package org.costobservatory.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.costobservatory.anthropic.FakeAdminApi.costPage;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;
import static org.costobservatory.anthropic.FakeAdminApi.json;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.costobservatory.time.Deadline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow servers. Each test gets its own WireMock server: a response the client abandoned is still being served after
 * the test ends, and on a shared server it would show up in the next test's request log.
 */
class AdminApiClientTimeoutTest {
    private static final String KEY = "sk-ant-admin01-timeout-test-key-0";
    private static final String PAGE_2 = "page_MjAyNi0wOC0xMVQwMDowMDowMFo=";
    private static final String PAGE_3 = "page_MjAyNi0wOC0xM1QwMDowMDowMFo=";
    private static final LocalDate FROM = LocalDate.parse("2026-08-10");
    private static final LocalDate TO = LocalDate.parse("2026-08-14");

    private FakeAdminApi api;

    @BeforeEach
    void startServer() {
        api = FakeAdminApi.start();
    }

    @AfterEach
    void stopServer() {
        api.close();
    }

    private void stubPage2FailingWith(ResponseDefinitionBuilder failure) {
        api.server().stubFor(costPage(null).willReturn(json(fixture("cost-report-page-1.json"))));
        api.server().stubFor(costPage(PAGE_3).willReturn(json(fixture("cost-report-page-3.json"))));
        api.server().stubFor(costPage(PAGE_2).inScenario("page 2").whenScenarioStateIs(STARTED)
                .willReturn(failure).willSetStateTo("slow answer served"));
        api.server().stubFor(costPage(PAGE_2).inScenario("page 2").whenScenarioStateIs("slow answer served")
                .willReturn(json(fixture("cost-report-page-2.json"))));
    }

    private List<Integer> pull(AdminApiClient client, Deadline deadline) {
        List<Integer> pages = new ArrayList<>();
        client.costReport(FROM, TO, deadline, (days, page) -> pages.add(page));
        return pages;
    }

    private int requestsFor(String cursor) {
        return api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("page", equalTo(cursor))).size();
    }

    @Test
    void aResponseSlowerThanTheRequestTimeoutIsAbandonedAndRetried() {
        // GIVEN page 2 first answers after 8 s while the request timeout is 1 s
        stubPage2FailingWith(json(fixture("cost-report-page-2.json")).withFixedDelay(8_000));
        AdminApiClient client = api.client(new StaticAdminKey(KEY),
                FakeAdminApi.testPolicy().withRequestTimeout(Duration.ofSeconds(1)));

        // WHEN the report is pulled
        long started = System.nanoTime();
        List<Integer> pages = pull(client, api.deadline());
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        // THEN the slow attempt was abandoned and retried, long before its answer would have come (a loaded machine
        // may time out a retry too, so the bound only tells an abandoned request from one waited out)
        assertThat(requestsFor(PAGE_2)).isGreaterThanOrEqualTo(2);
        assertThat(pages).containsExactly(1, 2, 3);
        assertThat(elapsed).isLessThan(Duration.ofSeconds(7));
    }

    @Test
    void aBodyThatTricklesInPastTheTimeoutIsAbandonedAndRetried() {
        // GIVEN page 2 first sends its body in chunks spread over 8 s while the request timeout is 1 s
        stubPage2FailingWith(json(fixture("cost-report-page-2.json")).withChunkedDribbleDelay(10, 8_000));
        AdminApiClient client = api.client(new StaticAdminKey(KEY),
                FakeAdminApi.testPolicy().withRequestTimeout(Duration.ofSeconds(1)));

        // WHEN the report is pulled
        long started = System.nanoTime();
        List<Integer> pages = pull(client, api.deadline());
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        // THEN the whole exchange was bounded by the timeout, not just the headers (as above, a loaded machine may
        // time out a retry too)
        assertThat(requestsFor(PAGE_2)).isGreaterThanOrEqualTo(2);
        assertThat(pages).containsExactly(1, 2, 3);
        assertThat(elapsed).isLessThan(Duration.ofSeconds(7));
    }

    @Test
    void theRequestTimeoutIsShortenedToTheTimeLeft() {
        // GIVEN a deadline 400 ms away on the test clock (which only moves when the client sleeps), a 30 s request
        // timeout, and a server that takes 3 s
        api.server().stubFor(costPage(null).willReturn(json(fixture("cost-report-page-1.json"))
                .withFixedDelay(3_000)));
        Deadline deadline = Deadline.after(api.clock(), Duration.ofMillis(400));
        List<Duration> timeouts = new ArrayList<>();
        AdminApiClient client = new AdminApiClient(api.baseUri(), new StaticAdminKey(KEY),
                new TimeoutRecordingClient(FakeAdminApi.httpClient(), timeouts), api.clock(), api.sleeper(),
                FakeAdminApi.testPolicy().withRequestTimeout(Duration.ofSeconds(30)), FakeAdminApi.fixedJitter(0.5));

        // WHEN the report is pulled
        RetriesExhaustedException failure = catchThrowableOfType(RetriesExhaustedException.class, () ->
                pull(client, deadline));

        // THEN the one request was sent with the 400 ms left as its timeout, not 30 s; it timed out, and waiting to
        // retry would pass the deadline, so the failure names both
        assertThat(timeouts).containsExactly(Duration.ofMillis(400));
        assertThat(failure.getMessage()).contains("deadline", "HttpTimeoutException");
        assertThat(failure.httpStatus()).isZero();
        assertThat(failure.getCause()).isInstanceOf(java.net.http.HttpTimeoutException.class);
    }

    /** Passes every request on, recording the timeout it was sent with. */
    private static final class TimeoutRecordingClient extends java.net.http.HttpClient {
        private final java.net.http.HttpClient delegate;
        private final List<Duration> timeouts;

        TimeoutRecordingClient(java.net.http.HttpClient delegate, List<Duration> timeouts) {
            this.delegate = delegate;
            this.timeouts = timeouts;
        }

        @Override
        public java.util.Optional<java.net.CookieHandler> cookieHandler() {
            return delegate.cookieHandler();
        }

        @Override
        public java.util.Optional<Duration> connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return delegate.followRedirects();
        }

        @Override
        public java.util.Optional<java.net.ProxySelector> proxy() {
            return delegate.proxy();
        }

        @Override
        public javax.net.ssl.SSLContext sslContext() {
            return delegate.sslContext();
        }

        @Override
        public javax.net.ssl.SSLParameters sslParameters() {
            return delegate.sslParameters();
        }

        @Override
        public java.util.Optional<java.net.Authenticator> authenticator() {
            return delegate.authenticator();
        }

        @Override
        public Version version() {
            return delegate.version();
        }

        @Override
        public java.util.Optional<java.util.concurrent.Executor> executor() {
            return delegate.executor();
        }

        @Override
        public <T> java.net.http.HttpResponse<T> send(java.net.http.HttpRequest request,
                java.net.http.HttpResponse.BodyHandler<T> handler) throws java.io.IOException, InterruptedException {
            request.timeout().ifPresent(timeouts::add);
            return delegate.send(request, handler);
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(
                java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler) {
            request.timeout().ifPresent(timeouts::add);
            return delegate.sendAsync(request, handler);
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(
                java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler,
                java.net.http.HttpResponse.PushPromiseHandler<T> push) {
            request.timeout().ifPresent(timeouts::add);
            return delegate.sendAsync(request, handler, push);
        }
    }
}
