package org.costobservatory.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.costobservatory.anthropic.FakeAdminApi.costPage;
import static org.costobservatory.anthropic.FakeAdminApi.fixture;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the client does with bodies it must not trust: too large to hold, or holding the key (security F5, F6). */
class AdminApiClientResponseLimitsTest {
    /** 105 characters, the length of a real admin key. */
    private static final String KEY = ("sk-ant-admin01-Lm9Nb8Vc7Xz6Lk5Jh4Gf3Ds2Ap1Qo0Iw9Ue8Yr7Tt6Re5Wq4Lp3Mk2Nj1Bh0Vg"
            + "9Cf8Xd7Zs6Aw5Qe4Rf3Tg2Yh1UjAAxyzxyzxyzxyz").substring(0, 105);
    private static final LocalDate FROM = LocalDate.parse("2026-08-10");
    private static final LocalDate TO = LocalDate.parse("2026-08-14");

    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    /** WireMock takes seconds to serve 32 MiB on a loaded machine: a timeout that only catches a hang. */
    private static AdminApiClient client() {
        return api.client(new StaticAdminKey(KEY),
                FakeAdminApi.testPolicy().withRequestTimeout(java.time.Duration.ofSeconds(60)));
    }

    private AdminApiException pullFails() {
        AdminApiClient client = client();
        return catchThrowableOfType(AdminApiException.class,
                () -> client.costReport(FROM, TO, api.deadline(), (days, page) -> { }));
    }

    @Test
    void aKeyStraddlingTheEndOfAPaddedErrorBodyIsFullyRedacted() {
        // GIVEN a 502 whose body is whitespace up to 80 characters before 8 KiB, then the key, then more text
        assertThat(KEY).hasSize(105);
        String body = " ".repeat(8 * 1024 - 80) + KEY + " upstream said this";
        api.server().stubFor(costPage(null).willReturn(aResponse().withStatus(502).withHeader("x-should-retry",
                "false").withBody(body)));

        // WHEN the pull fails on it
        AdminApiException failure = pullFails();

        // THEN the snippet in the error shows no run of 16 characters of the key, and says where it was
        assertThat(failure.httpStatus()).isEqualTo(502);
        assertThat(failure.getMessage()).contains("[REDACTED] upstream said this");
        for (int i = 0; i + 16 <= KEY.length(); i++) {
            assertThat(failure.getMessage()).doesNotContain(KEY.substring(i, i + 16));
        }
    }

    @Test
    void aBodyLargerThan32MiBWithItsLengthIsRefusedWithATypedErrorAndNotRetried() {
        // GIVEN a valid first page padded with whitespace to one byte more than 32 MiB, content-length given
        api.server().stubFor(costPage(null).willReturn(aResponse().withStatus(200).withHeader("request-id",
                "req_huge").withBody(padded(fixture("cost-report-page-1.json"), AdminApiClient.MAX_BODY_BYTES + 1))));

        // WHEN it is pulled
        AdminApiException failure = pullFails();

        // THEN it fails as too large, naming the limit, once
        assertThat(failure).isInstanceOf(ResponseTooLargeException.class);
        assertThat(((ResponseTooLargeException) failure).limitBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(failure.getMessage()).contains("larger than 33554432 bytes", "req_huge");
        assertThat(failure.retryable()).isFalse();
        assertThat(api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)))).hasSize(1);
    }

    @Test
    void aChunkedBodyIsCutOffOnceItPassesTheLimit() {
        // GIVEN the same body sent in chunks, without a content-length
        api.server().stubFor(costPage(null).willReturn(aResponse().withStatus(200).withChunkedDribbleDelay(64, 10)
                .withBody(padded(fixture("cost-report-page-1.json"), AdminApiClient.MAX_BODY_BYTES + 1))));

        // WHEN it is pulled, THEN it fails as too large
        assertThat(pullFails()).isInstanceOf(ResponseTooLargeException.class);
    }

    @Test
    void aBodyOfExactly32MiBIsRead() {
        // GIVEN a valid single page padded to exactly the limit
        String page = fixture("cost-report-page-1.json").replace("\"has_more\": true", "\"has_more\": false");
        api.server().stubFor(costPage(null).willReturn(aResponse().withStatus(200)
                .withBody(padded(page, AdminApiClient.MAX_BODY_BYTES))));

        // WHEN it is pulled, THEN its days arrive
        int[] days = {0};
        client().costReport(FROM, TO, api.deadline(), (list, n) -> days[0] += list.size());
        assertThat(days[0]).isPositive();
    }

    private static byte[] padded(String json, long size) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[Math.toIntExact(size)];
        Arrays.fill(body, (byte) ' ');
        System.arraycopy(text, 0, body, 0, text.length);
        return body;
    }
}
