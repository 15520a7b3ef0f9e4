package org.costobservatory.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;
import static org.costobservatory.anthropic.FakeAdminApi.json;
import static org.costobservatory.anthropic.FakeAdminApi.page;

import java.util.List;
import org.costobservatory.domain.ApiKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/organizations/api_keys} on WireMock, in the documented wire format. */
class AdminApiClientApiKeysTest {
    private static final String KEY = "sk-ant-admin01-api-keys-test-key";
    private static final String LAST_OF_PAGE_1 = "apikey_01Tz9XkQ4mWsLpVbNc7dEfGh";

    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    @Test
    void listsEveryKeyWhateverItsStatusAcrossIdCursorPages() {
        // GIVEN two pages: active and inactive keys, then an archived one without a name and an expired one
        api.server().stubFor(page(FakeAdminApi.API_KEYS_PATH, "after_id", null)
                .willReturn(json(fixture("api-keys-page-1.json"))));
        api.server().stubFor(page(FakeAdminApi.API_KEYS_PATH, "after_id", LAST_OF_PAGE_1)
                .willReturn(json(fixture("api-keys-page-2.json"))));

        // WHEN they are listed
        List<ApiKey> keys = api.client(new StaticAdminKey(KEY)).apiKeys(api.deadline());

        // THEN all four, in order; the Default workspace is named so, a key without a name is named by its id
        assertThat(keys).containsExactly(
                new ApiKey("apikey_01Rj2N8SVvo6BePZj99NhmiT", "support-bot-prod", "active",
                        "wrkspc_01AbCdEfGhIjKlMnOpQrStUv"),
                new ApiKey(LAST_OF_PAGE_1, "ops-scripts", "inactive", "default"),
                new ApiKey("apikey_01OldPrototype00000000", "apikey_01OldPrototype00000000", "archived",
                        "wrkspc_01OldPrototype000000000"),
                new ApiKey("apikey_01Expired000000000000", "ci-2025", "expired", "default"));

        // AND no status filter was sent (old usage belongs to archived and expired keys), 1000 keys a page, and the
        // second page continued after the first's last id
        api.server().verify(2, getRequestedFor(urlPathEqualTo(FakeAdminApi.API_KEYS_PATH))
                .withQueryParam("status", absent())
                .withQueryParam("limit", equalTo("1000"))
                .withHeader("x-api-key", equalTo(KEY)));
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.API_KEYS_PATH))
                .withQueryParam("after_id", equalTo(LAST_OF_PAGE_1)));
    }

    @Test
    void aKeyWithoutAnIdIsRefusedNamingWhere() {
        api.server().stubFor(page(FakeAdminApi.API_KEYS_PATH, "after_id", null).willReturn(json(
                "{\"data\":[{\"type\":\"api_key\",\"name\":\"nameless\",\"status\":\"active\"}],"
                        + "\"first_id\":null,\"has_more\":false,\"last_id\":null}")));

        ReportParseException failure = catchThrowableOfType(ReportParseException.class, () ->
                api.client(new StaticAdminKey(KEY)).apiKeys(api.deadline()));

        assertThat(failure.getMessage()).contains("/v1/organizations/api_keys", "id", "is missing");
    }

    @Test
    void aListThatRepeatsItsLastIdIsRefusedAsALoop() {
        api.server().stubFor(page(FakeAdminApi.API_KEYS_PATH, "after_id", null)
                .willReturn(json(fixture("api-keys-page-1.json"))));
        api.server().stubFor(page(FakeAdminApi.API_KEYS_PATH, "after_id", LAST_OF_PAGE_1)
                .willReturn(json(fixture("api-keys-page-1.json"))));

        PaginationException failure = catchThrowableOfType(PaginationException.class, () ->
                api.client(new StaticAdminKey(KEY)).apiKeys(api.deadline()));

        assertThat(failure.getMessage()).contains("/v1/organizations/api_keys", "already used");
    }

    @Test
    void writtenPagesReadBackTheSame() {
        List<ApiKey> keys = List.of(new ApiKey("apikey_a", "a", "active", "default"),
                new ApiKey("apikey_b", "b", "archived", "wrkspc_b"));

        ApiKeyPage back = new ReportParser().parseApiKeyPage(ReportJsonWriter.apiKeysPage(keys, true)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(back).isEqualTo(new ApiKeyPage(keys, true, "apikey_b"));
    }
}
