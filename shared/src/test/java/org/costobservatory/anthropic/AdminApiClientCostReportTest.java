package org.costobservatory.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.havingExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.costobservatory.anthropic.FakeAdminApi.costPage;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;
import static org.costobservatory.anthropic.FakeAdminApi.json;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.costobservatory.config.Config;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Dimensions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminApiClientCostReportTest {
    private static final String KEY = "sk-ant-admin01-cost-report-test-key";
    private static final String PAGE_2 = "page_MjAyNi0wOC0xMVQwMDowMDowMFo=";
    private static final String PAGE_3 = "page_MjAyNi0wOC0xM1QwMDowMDowMFo=";
    private static final LocalDate FROM = LocalDate.parse("2026-08-10");
    private static final LocalDate TO = LocalDate.parse("2026-08-14");
    private static final String SUPPORT_BOT = "wrkspc_01AbCdEfGhIjKlMnOpQrStUv";
    private static final String NIGHTLY_BATCH = "wrkspc_01ZyXwVuTsRqPoNmLkJiHgFe";

    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    private void stubThreePages() {
        api.server().stubFor(costPage(null).willReturn(json(fixture("cost-report-page-1.json"))));
        api.server().stubFor(costPage(PAGE_2).willReturn(json(fixture("cost-report-page-2.json"))));
        api.server().stubFor(costPage(PAGE_3).willReturn(json(fixture("cost-report-page-3.json"))));
    }

    private record Delivered(List<CostDay> days, int pageNumber) {
    }

    private List<Delivered> pull(AdminApiClient client, LocalDate from, LocalDate to) {
        List<Delivered> delivered = new ArrayList<>();
        client.costReport(from, to, api.deadline(), (days, page) -> delivered.add(new Delivered(days, page)));
        return delivered;
    }

    @Test
    void pullsEveryPageOfACostReportAndTotalsItToTheCent() {
        // GIVEN a cost report served as three pages: a day, then a day plus an empty day, then a day
        stubThreePages();

        // WHEN the four complete days are pulled
        List<Delivered> delivered = pull(api.client(new StaticAdminKey(KEY)), FROM, TO);

        // THEN each page arrives once, in order, with its own days
        assertThat(delivered).extracting(Delivered::pageNumber).containsExactly(1, 2, 3);
        assertThat(delivered.get(0).days()).extracting(CostDay::date).containsExactly(FROM);
        assertThat(delivered.get(1).days()).extracting(CostDay::date)
                .containsExactly(LocalDate.parse("2026-08-11"), LocalDate.parse("2026-08-12"));
        assertThat(delivered.get(2).days()).extracting(CostDay::date).containsExactly(LocalDate.parse("2026-08-13"));
        List<CostDay> days = delivered.stream().flatMap(d -> d.days().stream()).toList();

        // AND the empty day is kept with no rows
        assertThat(days.get(2).rows()).isEmpty();

        // AND the total equals the fixture's sum exactly (3508.5 + 356.125 + 0 + 91.391528 cents)
        BigDecimal total = days.stream().map(CostDay::totalCents).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(total).isEqualByComparingTo("3956.016528");
        assertThat(days.get(0).totalCents()).isEqualByComparingTo("3508.5");
        assertThat(days.get(1).totalCents()).isEqualByComparingTo("356.125");

        // AND every row is exactly what the wire said, with nulls normalised
        assertThat(days.get(0).rows()).containsExactly(
                row(FROM, null, "Claude Sonnet 4.5 Usage - Input Tokens", "tokens", "claude-sonnet-4-5-20250929",
                        "standard", "uncached_input_tokens", "375.000000"),
                row(FROM, null, "Claude Sonnet 4.5 Usage - Output Tokens", "tokens", "claude-sonnet-4-5-20250929",
                        "standard", "output_tokens", "465.000000"),
                row(FROM, null, "Claude Sonnet 4.5 Usage - Input Tokens, Cache Hit", "tokens",
                        "claude-sonnet-4-5-20250929", "standard", "cache_read_input_tokens", "144.000000"),
                row(FROM, null, "Claude Sonnet 4.5 Usage - Input Tokens, Cache Write", "tokens",
                        "claude-sonnet-4-5-20250929", "standard", "cache_creation.ephemeral_5m_input_tokens",
                        "157.500000"),
                nonToken(FROM, null, "Web Search Usage", "web_search", "12.000000"),
                row(FROM, SUPPORT_BOT, "Claude Haiku 4.5 Usage - Input Tokens", "tokens", "claude-haiku-4-5-20251001",
                        "standard", "uncached_input_tokens", "840.000000"),
                row(FROM, SUPPORT_BOT, "Claude Haiku 4.5 Usage - Output Tokens", "tokens",
                        "claude-haiku-4-5-20251001", "standard", "output_tokens", "475.000000"),
                row(FROM, SUPPORT_BOT, "Claude Haiku 4.5 Usage - Input Tokens, Cache Write", "tokens",
                        "claude-haiku-4-5-20251001", "standard", "cache_creation.ephemeral_1h_input_tokens",
                        "40.000000"),
                row(FROM, NIGHTLY_BATCH, "Claude Opus 4.5 Usage - Input Tokens", "tokens", "claude-opus-4-5-20251101",
                        "batch", "uncached_input_tokens", "500.000000"),
                row(FROM, NIGHTLY_BATCH, "Claude Opus 4.5 Usage - Output Tokens", "tokens",
                        "claude-opus-4-5-20251101", "batch", "output_tokens", "500.000000"));
        LocalDate day2 = LocalDate.parse("2026-08-11");
        assertThat(days.get(1).rows()).containsExactly(
                row(day2, null, "Claude Sonnet 4.5 Usage - Input Tokens", "tokens", "claude-sonnet-4-5-20250929",
                        "standard", "uncached_input_tokens", "120.600000"),
                row(day2, null, "Claude Sonnet 4.5 Usage - Output Tokens", "tokens", "claude-sonnet-4-5-20250929",
                        "standard", "output_tokens", "132.000000"),
                row(day2, null, "Claude Sonnet 4.5 Usage - Input Tokens, Cache Hit", "tokens",
                        "claude-sonnet-4-5-20250929", "standard", "cache_read_input_tokens", "39.900000"),
                row(day2, null, "Claude Sonnet 4.5 Usage - Input Tokens, Cache Write", "tokens",
                        "claude-sonnet-4-5-20250929", "standard", "cache_creation.ephemeral_5m_input_tokens",
                        "35.625000"),
                nonToken(day2, null, "Web Search Usage", "web_search", "3.000000"),
                nonToken(day2, null, "Code Execution Usage", "code_execution", "25.000000"));
        LocalDate day4 = LocalDate.parse("2026-08-13");
        assertThat(days.get(3).rows()).containsExactly(
                row(day4, NIGHTLY_BATCH, "Claude Opus 4.5 Usage - Output Tokens, Batch", "tokens",
                        "claude-opus-4-5-20251101", "batch", "output_tokens", "83.391528"),
                nonToken(day4, null, "Managed Agents Session Usage", "session_usage", "8.000000"));

        // AND the Default workspace (workspace_id: null) is stored as "default"
        assertThat(days.get(0).rows().get(0).workspaceId()).isEqualTo(Dimensions.DEFAULT_WORKSPACE);
        assertThat(api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)))).hasSize(3);
    }

    @Test
    void everyPageRequestCarriesTheHeadersAndTheSameWholeDayQuery() {
        // GIVEN a three-page cost report
        stubThreePages();

        // WHEN it is pulled
        pull(api.client(new StaticAdminKey(KEY)), FROM, TO);

        // THEN all three requests carry the key, the pinned version, our User-Agent and JSON accept
        List<LoggedRequest> requests = api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));
        assertThat(requests).hasSize(3);
        for (LoggedRequest request : requests) {
            assertThat(request.getHeader("x-api-key")).isEqualTo(KEY);
            assertThat(request.getHeader("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(request.getHeaders().getHeader("User-Agent").values())
                    .containsExactly("cost-observatory/0.1.0");
            assertThat(request.getHeader("accept")).isEqualTo("application/json");
            assertThat(request.containsHeader("anthropic-beta")).isFalse();
        }

        // AND the same query: whole UTC days, 1d buckets, both group_by[] values, limit = days in window (<= 31)
        api.server().verify(3, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("starting_at", equalTo("2026-08-10T00:00:00Z"))
                .withQueryParam("ending_at", equalTo("2026-08-14T00:00:00Z"))
                .withQueryParam("bucket_width", equalTo("1d"))
                .withQueryParam("group_by[]", havingExactly("workspace_id", "description"))
                .withQueryParam("limit", equalTo("4")));

        // AND the cursor is sent only on the pages after the first, exactly as given (base64 padding included)
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("page", absent()));
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("page", equalTo(PAGE_2)));
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("page", equalTo(PAGE_3)));
        assertThat(requests.get(0).getUrl()).contains("group_by%5B%5D=workspace_id");
    }

    @Test
    void aLongWindowAsksForAtMost31DaysPerPage() {
        // GIVEN a single empty page for any request
        api.server().stubFor(costPage(null).willReturn(json("{\"data\":[],\"has_more\":false,\"next_page\":null}")));

        // WHEN 60 days are pulled
        pull(api.client(new StaticAdminKey(KEY)), LocalDate.parse("2026-06-01"), LocalDate.parse("2026-07-31"));

        // THEN the page size is capped at the documented maximum
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("limit", equalTo("31")));
    }

    @Test
    void refusesAnEmptyWindowBeforeAnyRequest() {
        // GIVEN a client
        AdminApiClient client = api.client(new StaticAdminKey(KEY));

        // WHEN the window is empty or backwards, THEN it is refused and nothing is sent
        assertThatThrownBy(() -> pull(client, FROM, FROM))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> pull(client, TO, FROM))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(api.server().getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesAWindowThatReachesIntoTheDayStillRunning() {
        // GIVEN "now" is 2026-08-14 02:30 UTC, so 2026-08-14 is not complete
        AdminApiClient client = api.client(new StaticAdminKey(KEY));

        // WHEN the window ends after today 00:00 UTC, THEN it is refused before any request
        assertThatThrownBy(() -> pull(client, FROM, TO.plusDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not complete");
        assertThat(api.server().getAllServeEvents()).isEmpty();

        // AND a window ending exactly today 00:00 UTC is allowed
        api.server().stubFor(costPage(null).willReturn(json("{\"data\":[],\"has_more\":false,\"next_page\":null}")));
        assertThat(pull(client, FROM, TO)).hasSize(1);
    }

    @Test
    void keepsAPathPrefixOfTheBaseUrl() {
        // GIVEN the API behind a proxy path and a base URL with a trailing slash
        api.server().stubFor(FakeAdminApi.page("/prefix" + FakeAdminApi.COST_PATH, "page", null)
                .willReturn(json(fixture("cost-report-page-3.json"))));
        URI base = URI.create(api.baseUri() + "/prefix/");

        // WHEN the client built by the production factory pulls through it
        AdminApiClient client = AdminApiClient.create(base, new StaticAdminKey(KEY), api.clock());
        List<Delivered> delivered = pull(client, LocalDate.parse("2026-08-13"), TO);

        // THEN the request went to the prefixed path and the page arrived
        api.server().verify(1, getRequestedFor(urlPathEqualTo("/prefix" + FakeAdminApi.COST_PATH)));
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).days().get(0).totalCents()).isEqualByComparingTo("91.391528");
    }

    @Test
    void readsTheBaseUrlFromTheEnvironmentWithTheDocumentedDefault() {
        // GIVEN no variable, THEN api.anthropic.com (the configuration is the one place that reads it)
        assertThat(Config.fromEnv(java.util.Map.of("TABLE_NAME", "t")).adminBaseUrl())
                .isEqualTo(URI.create("https://api.anthropic.com"));
        // GIVEN a variable, THEN that URL
        assertThat(Config.fromEnv(java.util.Map.of("TABLE_NAME", "t", "ANTHROPIC_ADMIN_BASE_URL",
                "http://127.0.0.1:8080/prefix")).adminBaseUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/prefix"));
        // GIVEN a base that is not http(s), THEN the client refuses it
        assertThatThrownBy(() -> api.client(URI.create("ftp://example.com"), new StaticAdminKey(KEY),
                FakeAdminApi.testPolicy())).isInstanceOf(IllegalArgumentException.class);
    }

    private static CostRow row(LocalDate date, String workspace, String description, String costType, String model,
                               String tier, String tokenType, String cents) {
        return new CostRow(date, workspace, description, costType, model, tier, tokenType, "0-200k", "not_available",
                "USD", new BigDecimal(cents));
    }

    private static CostRow nonToken(LocalDate date, String workspace, String description, String costType,
                                    String cents) {
        return new CostRow(date, workspace, description, costType, null, null, null, null, null, "USD",
                new BigDecimal(cents));
    }
}
