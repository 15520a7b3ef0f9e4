package org.costobservatory.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.costobservatory.anthropic.FakeAdminApi.costPage;
import static org.costobservatory.anthropic.FakeAdminApi.error;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;
import static org.costobservatory.anthropic.FakeAdminApi.json;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.costobservatory.log.Secrets;
import org.costobservatory.testing.MotoServer;
import org.costobservatory.wiring.SsmParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** The admin key in SSM Parameter Store, against a real moto_server. */
class SsmAdminKeyTest {
    private static MotoServer moto;
    /** To put parameters, as an operator would. */
    private static SsmClient ssm;
    /** What the functions read parameters with. */
    private static ParameterStore store;

    private String parameter;

    @BeforeAll
    static void connect() {
        moto = MotoServer.shared();
        ssm = moto.client(SsmClient.builder());
        store = SsmParameters.fromEnvironment(Map.of("AWS_ENDPOINT_URL_SSM", moto.endpoint().toString(),
                "AWS_REGION", "us-east-1"));
    }

    @AfterAll
    static void disconnect() {
        ssm.close();
    }

    @BeforeEach
    void freshParameterStore() {
        moto.reset();
        parameter = "/cost-observatory/test/admin-key";
    }

    private static String canary() {
        return "sk-ant-admin01-CANARY-" + UUID.randomUUID();
    }

    private void put(String value, boolean overwrite) {
        ssm.putParameter(request -> request.name(parameter).value(value).type(ParameterType.SECURE_STRING)
                .overwrite(overwrite));
    }

    @Test
    void readsTheSecureStringDecryptedAndRegistersIt() {
        // GIVEN the key stored as a SecureString
        String key = canary();
        put(key, false);

        // WHEN the key source is built
        SsmAdminKey source = new SsmAdminKey(store, parameter);

        // THEN it holds the decrypted value, redaction knows it, and toString names only the parameter
        assertThat(source.current()).isEqualTo(key);
        assertThat(Secrets.redact("x-api-key: " + key)).isEqualTo("x-api-key: [REDACTED]");
        assertThat(source.toString()).contains(parameter).doesNotContain(key);
        assertThat(source.parameterName()).isEqualTo(parameter);
    }

    @Test
    void refreshOffersANewKeyOnlyAfterTheParameterChanged() {
        // GIVEN a key source over a stored key
        String first = canary();
        put(first, false);
        SsmAdminKey source = new SsmAdminKey(store, parameter);

        // WHEN refreshed with nothing changed, THEN nothing new
        assertThat(source.refreshAfterUnauthorized()).isEmpty();
        assertThat(source.current()).isEqualTo(first);

        // WHEN an operator rotates the key and a 401 triggers a refresh, THEN the new key, now current
        String second = canary();
        put(second, true);
        assertThat(source.refreshAfterUnauthorized()).contains(second);
        assertThat(source.current()).isEqualTo(second);

        // AND a further refresh has nothing new
        assertThat(source.refreshAfterUnauthorized()).isEmpty();
    }

    @Test
    void aMissingParameterFailsAtConstructionNamingIt() {
        // GIVEN no such parameter, WHEN the key source is built, THEN a clear failure naming the parameter
        assertThatThrownBy(() -> new SsmAdminKey(store, "/cost-observatory/test/missing"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/cost-observatory/test/missing")
                .hasMessageContaining("does not exist");
    }

    @Test
    void aBlankOrUnsendableValueFailsWithoutShowingIt() {
        // GIVEN a parameter holding only spaces, THEN "empty"
        put("    ", false);
        assertThatThrownBy(() -> new SsmAdminKey(store, parameter))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(parameter)
                .hasMessageContaining("empty");

        // GIVEN a value with a line break inside, THEN refused, and no part of it is in the message
        String broken = "sk-ant-admin01-FIRSTHALF\nsk-ant-admin01-SECONDHALF";
        put(broken, true);
        assertThatThrownBy(() -> new SsmAdminKey(store, parameter))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(parameter)
                .hasMessageNotContaining("FIRSTHALF")
                .hasMessageNotContaining("SECONDHALF");
    }

    @Test
    void aParameterDeletedAfterStartupMeansNothingNewRatherThanACrash() {
        // GIVEN a key source whose parameter was deleted since
        put(canary(), false);
        SsmAdminKey source = new SsmAdminKey(store, parameter);
        ssm.deleteParameter(request -> request.name(parameter));

        // WHEN a 401 triggers a refresh, THEN nothing new (the 401 stands) and the old key is kept
        String before = source.current();
        assertThat(source.refreshAfterUnauthorized()).isEmpty();
        assertThat(source.current()).isEqualTo(before);
    }

    @Test
    void theClientRetriesWithAKeyRotatedInSsmAfterA401() {
        // GIVEN the Admin API accepts only the new key, and SSM already holds it when the 401 comes
        String oldKey = canary();
        String newKey = canary();
        put(oldKey, false);
        SsmAdminKey source = new SsmAdminKey(store, parameter);
        put(newKey, true);
        try (FakeAdminApi api = FakeAdminApi.start()) {
            api.server().stubFor(costPage(null).withHeader("x-api-key", equalTo(oldKey))
                    .willReturn(error(401, "authentication_error", "invalid x-api-key")));
            api.server().stubFor(costPage(null).withHeader("x-api-key", equalTo(newKey))
                    .willReturn(json(fixture("cost-report-page-3.json"))));
            List<Integer> pages = new ArrayList<>();

            // WHEN the cost report is pulled
            api.client(source).costReport(LocalDate.parse("2026-08-13"), LocalDate.parse("2026-08-14"),
                    api.deadline(), (days, page) -> pages.add(page));

            // THEN two requests, the second with the key re-read from SSM, and the page arrived
            api.server().verify(2, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));
            api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                    .withHeader("x-api-key", equalTo(newKey)));
            assertThat(pages).containsExactly(1);
        }
    }
}
