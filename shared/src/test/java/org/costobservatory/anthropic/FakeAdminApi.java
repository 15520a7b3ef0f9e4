package org.costobservatory.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.costobservatory.time.Deadline;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A WireMock stand-in for Anthropic's Admin API on 127.0.0.1 and a dynamic port, plus the seams a client test needs:
 * a standing-still clock, a sleeper that records instead of waiting, fixed jitter and short timeouts. One per test
 * class, registered as a JUnit extension ({@code @RegisterExtension static final FakeAdminApi api =
 * FakeAdminApi.start();}): it is {@linkplain #reset() reset} before each test and closed after the last.
 */
public final class FakeAdminApi implements AutoCloseable, BeforeEachCallback, AfterAllCallback {
    public static final String COST_PATH = AdminApiClient.COST_REPORT_PATH;
    public static final String USAGE_PATH = AdminApiClient.USAGE_REPORT_PATH;
    public static final String WORKSPACES_PATH = AdminApiClient.WORKSPACES_PATH;
    public static final String API_KEYS_PATH = AdminApiClient.API_KEYS_PATH;
    /** "Now" in every client test: the early hours of 2026-08-14 UTC, so 2026-08-13 is the last complete day. */
    public static final String NOW = "2026-08-14T02:30:00Z";
    /**
     * Short enough to keep timeout tests fast, long enough that a loaded 2-core build machine never times out an
     * ordinary answer from the stand-in (at 2 s, a retried ordinary page sometimes made one request too many).
     */
    public static final Duration TEST_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final WireMockServer server;
    private final MutableClock clock = MutableClock.at(NOW);
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);

    private FakeAdminApi() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()
                .containerThreads(16).jettyAcceptors(1));
        server.start();
    }

    public static FakeAdminApi start() {
        return new FakeAdminApi();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public WireMockServer server() {
        return server;
    }

    public URI baseUri() {
        return URI.create(server.baseUrl());
    }

    public MutableClock clock() {
        return clock;
    }

    public RecordingSleeper sleeper() {
        return sleeper;
    }

    /** Forgets stubs, scenarios and recorded requests; puts the clock back to {@link #NOW}. */
    public void reset() {
        server.resetAll();
        clock.set(java.time.Instant.parse(NOW));
        sleeper.clear();
    }

    /** Ten minutes on the test clock, which only moves when the client "sleeps". */
    public Deadline deadline() {
        return Deadline.after(clock, Duration.ofMinutes(10));
    }

    public static RetryPolicy testPolicy() {
        return RetryPolicy.DEFAULT.withRequestTimeout(TEST_REQUEST_TIMEOUT);
    }

    public AdminApiClient client(AdminKeySource keys) {
        return client(keys, testPolicy());
    }

    public AdminApiClient client(AdminKeySource keys, RetryPolicy policy) {
        return client(baseUri(), keys, policy);
    }

    public AdminApiClient client(URI base, AdminKeySource keys, RetryPolicy policy) {
        return new AdminApiClient(base, keys, httpClient(), clock, sleeper, policy, fixedJitter(0.5));
    }

    public static HttpClient httpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1))
                .build();
    }

    /** Jitter that always draws {@code value}, so back-off waits are predictable. */
    public static RandomGenerator fixedJitter(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    /** A GET stub for {@code path}, matching the first page (no cursor) or the page with {@code cursor}. */
    public static MappingBuilder page(String path, String cursorParam, String cursor) {
        return get(urlPathEqualTo(path)).withQueryParam(cursorParam, cursor == null ? absent() : equalTo(cursor));
    }

    public static MappingBuilder costPage(String cursor) {
        return page(COST_PATH, "page", cursor);
    }

    public static MappingBuilder usagePage(String cursor) {
        return page(USAGE_PATH, "page", cursor);
    }

    public static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("content-type", "application/json")
                .withHeader("request-id", "req_test_ok").withBody(body);
    }

    public static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("content-type", "application/json")
                .withBody(ReportJsonWriter.errorBody(type, message, "req_test_" + status));
    }

    /** A JSON file under {@code src/test/resources/anthropic/}. */
    public static String fixture(String name) {
        try (InputStream in = FakeAdminApi.class.getResourceAsStream("/anthropic/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test fixture /anthropic/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
