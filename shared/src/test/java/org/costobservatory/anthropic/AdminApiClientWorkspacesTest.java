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

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.costobservatory.domain.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminApiClientWorkspacesTest {
    private static final String KEY = "sk-ant-admin01-workspaces-test-key";
    private static final String LAST_OF_PAGE_1 = "wrkspc_01ZyXwVuTsRqPoNmLkJiHgFe";

    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    @Test
    void listsEveryWorkspaceAcrossIdCursorPagesKeepingArchivedOnes() {
        // GIVEN two pages of workspaces, the second holding an archived one
        api.server().stubFor(page(FakeAdminApi.WORKSPACES_PATH, "after_id", null)
                .willReturn(json(fixture("workspaces-page-1.json"))));
        api.server().stubFor(page(FakeAdminApi.WORKSPACES_PATH, "after_id", LAST_OF_PAGE_1)
                .willReturn(json(fixture("workspaces-page-2.json"))));

        // WHEN they are listed
        List<Workspace> workspaces = api.client(new StaticAdminKey(KEY)).workspaces(api.deadline());

        // THEN all three arrive in order, the archived one with its archive time
        assertThat(workspaces).containsExactly(
                new Workspace("wrkspc_01AbCdEfGhIjKlMnOpQrStUv", "Support Bot", Optional.empty()),
                new Workspace(LAST_OF_PAGE_1, "Nightly Batch", Optional.empty()),
                new Workspace("wrkspc_01OldPrototype000000000", "Old Prototype",
                        Optional.of(Instant.parse("2026-02-14T17:30:00Z"))));

        // AND both requests asked for archived workspaces, 1000 at a time; the second continued after page 1's last id
        api.server().verify(2, getRequestedFor(urlPathEqualTo(FakeAdminApi.WORKSPACES_PATH))
                .withQueryParam("include_archived", equalTo("true"))
                .withQueryParam("limit", equalTo("1000"))
                .withHeader("x-api-key", equalTo(KEY))
                .withHeader("anthropic-version", equalTo("2023-06-01")));
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.WORKSPACES_PATH))
                .withQueryParam("after_id", absent()));
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.WORKSPACES_PATH))
                .withQueryParam("after_id", equalTo(LAST_OF_PAGE_1)));
    }

    @Test
    void aListThatRepeatsItsLastIdIsRefusedAsALoop() {
        // GIVEN page 2 claims more but ends on the same id as page 1
        api.server().stubFor(page(FakeAdminApi.WORKSPACES_PATH, "after_id", null)
                .willReturn(json(fixture("workspaces-page-1.json"))));
        api.server().stubFor(page(FakeAdminApi.WORKSPACES_PATH, "after_id", LAST_OF_PAGE_1)
                .willReturn(json(fixture("workspaces-page-1.json"))));

        // WHEN listed
        PaginationException failure = catchThrowableOfType(PaginationException.class, () ->
                api.client(new StaticAdminKey(KEY)).workspaces(api.deadline()));

        // THEN it stops after two requests instead of looping
        assertThat(failure.getMessage()).contains("/v1/organizations/workspaces", "already used");
        api.server().verify(2, getRequestedFor(urlPathEqualTo(FakeAdminApi.WORKSPACES_PATH)));
    }

    @Test
    void hasMoreWithoutALastIdIsRefused() {
        // GIVEN a page that says there is more but gives no last_id
        api.server().stubFor(page(FakeAdminApi.WORKSPACES_PATH, "after_id", null).willReturn(json(
                "{\"data\":[],\"first_id\":null,\"has_more\":true,\"last_id\":null}")));

        // WHEN listed, THEN a pagination failure
        PaginationException failure = catchThrowableOfType(PaginationException.class, () ->
                api.client(new StaticAdminKey(KEY)).workspaces(api.deadline()));
        assertThat(failure.getMessage()).contains("has_more");
    }
}
