package org.costobservatory.anthropic;

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

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.costobservatory.log.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminApiClientAuthTest {
    private static final LocalDate FROM = LocalDate.parse("2026-08-12");
    private static final LocalDate TO = LocalDate.parse("2026-08-14");

    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    private static String canary() {
        return "sk-ant-admin01-CANARY-" + UUID.randomUUID();
    }

    private void pull(AdminApiClient client) {
        client.costReport(FROM, TO, api.deadline(), (days, page) -> { });
    }

    private static int requests() {
        return api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))).size();
    }

    @Test
    void aRefusedStaticKeyFailsAfterExactlyOneRequestWithAnthropicsError() {
        // GIVEN the API refuses the key
        String key = canary();
        api.server().stubFor(costPage(null).willReturn(error(401, "authentication_error", "invalid x-api-key")));

        // WHEN a static key (nothing to re-read) is used
        AuthenticationException failure = catchThrowableOfType(AuthenticationException.class, () ->
                pull(api.client(new StaticAdminKey(key))));

        // THEN exactly one request was sent and the failure carries Anthropic's type, message and request id
        assertThat(requests()).isEqualTo(1);
        assertThat(failure.httpStatus()).isEqualTo(401);
        assertThat(failure.errorType()).isEqualTo("authentication_error");
        assertThat(failure.apiMessage()).isEqualTo("invalid x-api-key");
        assertThat(failure.requestId()).isEqualTo("req_test_401");
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.getMessage()).contains("/v1/organizations/cost_report", "401", "authentication_error",
                "invalid x-api-key");
        assertThat(api.sleeper().sleeps()).isEmpty();
    }

    @Test
    void theAdminKeyNeverAppearsInExceptionsOrLogsEvenWhenTheServerEchoesIt() throws Exception {
        // GIVEN a canary key, a server that echoes it back in a 503 (retried, so logged) and then in a 401
        String key = canary();
        api.server().stubFor(costPage(null).inScenario("echo").whenScenarioStateIs(STARTED)
                .willReturn(error(503, "api_error", "upstream saw key " + key)).willSetStateTo("refuse"));
        api.server().stubFor(costPage(null).inScenario("echo").whenScenarioStateIs("refuse")
                .willReturn(error(401, "authentication_error", "invalid x-api-key: " + key)
                        .withHeader("request-id", "req_" + key)));
        List<String> lines = new CopyOnWriteArrayList<>();
        Log.setLevel(Log.Level.DEBUG);

        // WHEN the pull fails while every log line is captured
        AutoCloseable sink = Log.addSink(lines::add);
        AuthenticationException failure;
        try {
            failure = catchThrowableOfType(AuthenticationException.class, () ->
                    pull(api.client(new StaticAdminKey(key))));
        } finally {
            Log.setLevel(Log.Level.INFO);
            sink.close();
        }

        // THEN the key is in no message, toString, stack trace, accessor or log line, but the failure still explains
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(failure.getMessage()).doesNotContain(key).contains("401", "authentication_error", "[REDACTED]");
        assertThat(failure.toString()).doesNotContain(key);
        assertThat(trace.toString()).doesNotContain(key);
        assertThat(failure.apiMessage()).doesNotContain(key);
        assertThat(failure.requestId()).doesNotContain(key);
        assertThat(lines).isNotEmpty();
        assertThat(lines).noneMatch(line -> line.contains(key));
        assertThat(lines).anyMatch(line -> line.contains("503"));
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void aRotatedKeyIsTriedOnceAfterA401AndThenUsedForTheRestOfThePull() {
        // GIVEN the old key is refused and the key source now holds a rotated key that works
        String oldKey = "sk-ant-admin01-old-key-0000000000";
        String newKey = "sk-ant-admin01-new-key-1111111111";
        api.server().stubFor(costPage(null).withHeader("x-api-key", equalTo(oldKey))
                .willReturn(error(401, "authentication_error", "invalid x-api-key")));
        api.server().stubFor(costPage(null).withHeader("x-api-key", equalTo(newKey))
                .willReturn(json(fixture("cost-report-page-3.json"))));
        RotatingAdminKey keys = new RotatingAdminKey(oldKey, newKey);
        List<Integer> pages = new CopyOnWriteArrayList<>();

        // WHEN the report is pulled
        api.client(keys).costReport(FROM, TO, api.deadline(), (days, page) -> pages.add(page));

        // THEN exactly two requests: the refused one and the retry with the new key; the page arrived
        assertThat(requests()).isEqualTo(2);
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withHeader("x-api-key", equalTo(oldKey)));
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withHeader("x-api-key", equalTo(newKey)));
        assertThat(keys.refreshes()).isEqualTo(1);
        assertThat(pages).containsExactly(1);
        assertThat(api.sleeper().sleeps()).isEmpty();
    }

    @Test
    void aRotatedKeyThatIsAlsoRefusedFailsWithoutAThirdRequest() {
        // GIVEN every key is refused
        api.server().stubFor(costPage(null).willReturn(error(401, "authentication_error", "invalid x-api-key")));
        RotatingAdminKey keys = new RotatingAdminKey("sk-ant-admin01-first-000000000",
                "sk-ant-admin01-second-00000000");

        // WHEN pulled
        AuthenticationException failure = catchThrowableOfType(AuthenticationException.class, () ->
                pull(api.client(keys)));

        // THEN two requests, one re-read, and an authentication failure
        assertThat(requests()).isEqualTo(2);
        assertThat(keys.refreshes()).isEqualTo(1);
        assertThat(failure.errorType()).isEqualTo("authentication_error");
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource({
            "400, invalid_request_error, InvalidRequestException, Invalid date range: ending date must be after starting date",
            "403, permission_error, PermissionException, This key may not read cost reports",
            "404, not_found_error, InvalidRequestException, The requested resource could not be found.",
            "402, billing_error, InvalidRequestException, Your credit balance is too low",
            "413, request_too_large, InvalidRequestException, Request exceeds the maximum allowed size"})
    void clientErrorsAreNotRetried(int status, String type, String exception, String message) {
        // GIVEN the API refuses the request itself
        api.server().stubFor(costPage(null).willReturn(error(status, type, message)));

        // WHEN pulled
        AdminApiException failure = catchThrowableOfType(AdminApiException.class, () ->
                pull(api.client(new StaticAdminKey("sk-ant-admin01-client-error-key"))));

        // THEN one request, no wait, the right type and Anthropic's words in the message
        assertThat(requests()).isEqualTo(1);
        assertThat(api.sleeper().sleeps()).isEmpty();
        assertThat(failure.getClass().getSimpleName()).isEqualTo(exception);
        assertThat(failure.httpStatus()).isEqualTo(status);
        assertThat(failure.errorType()).isEqualTo(type);
        assertThat(failure.apiMessage()).isEqualTo(message);
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.getMessage()).contains(String.valueOf(status), type, message);
    }
}
