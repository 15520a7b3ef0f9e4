package org.costobservatory.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.lessThanOrExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.costobservatory.anthropic.AuthenticationException;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.InvalidRequestException;
import org.costobservatory.anthropic.PaginationException;
import org.costobservatory.anthropic.PermissionException;
import org.costobservatory.anthropic.ReportJsonWriter;
import org.costobservatory.anthropic.ReportParseException;
import org.costobservatory.anthropic.RetriesExhaustedException;
import org.costobservatory.anthropic.RetryPolicy;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.time.Deadline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cases 1 to 11 of the reliability research (ingestion): each injects its fault into a real run of the cost job
 * (WireMock → real client → DynamoDB Local) and asserts the "nothing lost" rules N1, N2, N3 and N5.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestFaultsTest {
    /** Nine days over three pages: the 5th to the 13th of August. */
    private static final List<CostDay> DAYS = Fixture.costDays("2026-08-05", "2026-08-13", "100");
    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();
    private Fixture system;

    @BeforeEach
    void setUp() {
        system = new Fixture(api);
        system.setCostWatermark("2026-08-05T00:00:00Z");
    }

    /** N1: every served day is stored with exactly its last value; totals equal the fixture's to the cent. */
    private static void assertN1(Fixture fixture, List<CostDay> expected) {
        for (CostDay day : expected) {
            assertThat(fixture.components.reports().costDay(day.date()).orElseThrow().rows())
                    .as("day %s", day.date()).containsExactlyInAnyOrderElementsOf(day.rows());
        }
        BigDecimal served = expected.stream().map(CostDay::totalCents).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(fixture.storedCostCents(expected.get(0).date().toString(),
                expected.get(expected.size() - 1).date().toString())).isEqualByComparingTo(served);
    }

    /** N2: the watermark never passes a day that is not stored. */
    private static void assertN2(Fixture fixture) {
        Instant mark = fixture.costWatermark();
        for (LocalDate day = LocalDate.parse("2026-08-05"); Fixture.midnight(day.toString()).isBefore(mark);
             day = day.plusDays(1)) {
            assertThat(fixture.components.reports().costDay(day)).as("day %s before the watermark", day).isPresent();
        }
    }

    @Test
    void case01_aRateLimitOnPage2IsRetriedOnceAfterItsRetryAfter() {
        List<String> cursors = system.serveCost(DAYS, 3);
        api.server().stubFor(FakeAdminApi.costPage(cursors.get(1)).atPriority(1).inScenario("429")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
                .willReturn(aResponse().withStatus(429).withHeader("retry-after", "2")
                        .withBody(ReportJsonWriter.errorBody("rate_limit_error", "slow down"))));

        system.cost.run(Fixture.DAILY, api.deadline());

        api.server().verify(4, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));
        assertThat(api.sleeper().sleeps()).hasSize(1);
        assertThat(api.sleeper().total()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertN1(system, DAYS);
        assertThat(system.costWatermark()).isEqualTo(Fixture.midnight("2026-08-14"));
    }

    @ParameterizedTest(name = "HTTP {0} on every attempt")
    @ValueSource(ints = {529, 503})
    void case02_aPersistentServerErrorFailsTheRunAndTheNextRunHeals(int status) {
        List<String> cursors = system.serveCost(DAYS, 3);
        api.server().stubFor(FakeAdminApi.costPage(cursors.get(1)).atPriority(1).willReturn(Fixture.error(status,
                status == 529 ? "overloaded_error" : "api_error", "try later")));

        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline()))
                .isInstanceOfSatisfying(RetriesExhaustedException.class, e -> assertThat(e.retryable()).isTrue());
        // capped, jittered delays: five attempts, four waits, none above the 30 s cap
        assertThat(api.sleeper().sleeps()).hasSize(RetryPolicy.DEFAULT.maxAttempts() - 1)
                .allSatisfy(wait -> assertThat(wait).isLessThanOrEqualTo(Duration.ofSeconds(30)));
        assertN2(system);
        assertThat(system.costWatermark()).isEqualTo(Fixture.midnight("2026-08-08"));

        api.server().removeStub(api.server().getStubMappings().stream()
                .filter(m -> m.getPriority() != null && m.getPriority() == 1).findFirst().orElseThrow());
        system.cost.run(Fixture.DAILY, api.deadline());
        assertN1(system, DAYS);
        Fixture oracle = system.oracle();
        oracle.setCostWatermark("2026-08-05T00:00:00Z");
        oracle.cost.run(Fixture.DAILY, api.deadline());
        assertThat(system.facts()).isEqualTo(oracle.facts());
    }

    @Test
    void case03_aRetryAfterLongerThanTheDeadlineFailsFastWithoutSleeping() {
        List<String> cursors = system.serveCost(DAYS, 3);
        api.server().stubFor(FakeAdminApi.costPage(cursors.get(1)).atPriority(1).willReturn(aResponse()
                .withStatus(429).withHeader("retry-after", "3600")
                .withBody(ReportJsonWriter.errorBody("rate_limit_error", "slow down"))));
        Deadline sixtySeconds = Deadline.after(api.clock(), Duration.ofSeconds(60));

        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, sixtySeconds))
                .isInstanceOfSatisfying(RetriesExhaustedException.class, e -> assertThat(e.retryable()).isTrue());
        assertThat(api.sleeper().total()).isLessThan(Duration.ofSeconds(60));
        assertN2(system);
        assertThat(system.components.watermarks().get(ReportKind.COST).orElseThrow().lastSuccessAt()).isEmpty();
    }

    @ParameterizedTest(name = "{0} on page 2")
    @EnumSource(value = Fault.class, names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "MALFORMED_RESPONSE_CHUNK"})
    void case04_aBrokenConnectionIsRetriedAndTheRunCompletes(Fault fault) {
        List<String> cursors = system.serveCost(DAYS, 3);
        // served twice because java.net.http re-sends an idempotent GET once on its own
        api.server().stubFor(FakeAdminApi.costPage(cursors.get(1)).atPriority(1).inScenario("fault")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("again").willReturn(aResponse().withFault(fault)));
        api.server().stubFor(FakeAdminApi.costPage(cursors.get(1)).atPriority(1).inScenario("fault")
                .whenScenarioStateIs("again").willSetStateTo("healed").willReturn(aResponse().withFault(fault)));

        system.cost.run(Fixture.DAILY, api.deadline());

        assertN1(system, DAYS);
    }

    @Test
    void case05_aSlowAnswerTimesOutWithinItsBoundAndIsRetried() {
        List<String> cursors = system.serveCost(DAYS, 3);
        api.server().stubFor(FakeAdminApi.costPage(cursors.get(1)).atPriority(1).inScenario("slow")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("fast").willReturn(Fixture.json(
                        ReportJsonWriter.costPage(DAYS.subList(3, 6), true, "page_3")).withFixedDelay(15_000)));

        system.cost.run(Fixture.DAILY, api.deadline());

        // the 5 s request timeout abandoned the slow answer (still 10 s from arriving) and page 2 was asked again;
        // no wall-clock bound: a run that waited for the slow answer would have asked only once
        assertThat(api.server().findAll(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("page", equalTo(cursors.get(1))))).hasSize(2);
        assertN1(system, DAYS);
    }

    @Test
    void case06_authAndRequestErrorsAreNotRetriedAndFailVisibly() {
        api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.error(401, "authentication_error",
                "invalid x-api-key")));
        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline()))
                .isInstanceOf(AuthenticationException.class).hasMessageNotContaining(Fixture.KEY);
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));

        api.reset();
        api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.error(403, "permission_error",
                "not an admin key")));
        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline())).isInstanceOf(PermissionException.class);
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));

        api.reset();
        api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.error(400, "invalid_request_error",
                "Invalid date range: ending date must be after starting date")));
        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Invalid date range");
        api.server().verify(1, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));
        assertThat(system.costWatermark()).isEqualTo(Fixture.midnight("2026-08-05"));
    }

    @Test
    void case06_a401ReReadsTheKeyOnceAndSucceedsWithTheRotatedKey() {
        String rotated = "sk-ant-admin01-rotated-" + "r".repeat(30);
        String[] current = {Fixture.KEY};
        org.costobservatory.anthropic.AdminKeySource rotating = new org.costobservatory.anthropic.AdminKeySource() {
            @Override
            public String current() {
                return current[0];
            }

            @Override
            public java.util.Optional<String> refreshAfterUnauthorized() {
                if (current[0].equals(rotated)) {
                    return java.util.Optional.empty();
                }
                current[0] = rotated;
                return java.util.Optional.of(rotated);
            }
        };
        Fixture withRotation = new Fixture(api, rotating, null, RetryPolicy.DEFAULT.withRequestTimeout(
                FakeAdminApi.TEST_REQUEST_TIMEOUT), DynamoDbLocal.shared().newTable());
        withRotation.setCostWatermark("2026-08-05T00:00:00Z");
        withRotation.serveCost(DAYS, 9);
        api.server().stubFor(FakeAdminApi.costPage(null).atPriority(1)
                .withHeader("x-api-key", com.github.tomakehurst.wiremock.client.WireMock.equalTo(Fixture.KEY))
                .willReturn(Fixture.error(401, "authentication_error", "invalid x-api-key")));

        withRotation.cost.run(Fixture.DAILY, api.deadline());

        api.server().verify(2, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));
        assertN1(withRotation, DAYS);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"data\": [{\"starting_at\": ",
            "{\"data\": [], \"next_page\": null}",
            "{\"data\": [{\"starting_at\": \"2026-08-08T00:00:00Z\", \"ending_at\": \"2026-08-09T00:00:00Z\", \"results\": [{\"amount\": \"abc\", \"currency\": \"USD\"}]}], \"has_more\": false, \"next_page\": null}",
            "{\"data\": [{\"starting_at\": \"2026-08-08T00:00:00Z\", \"ending_at\": \"2026-08-09T00:00:00Z\", \"results\": [{\"amount\": \"-5.00\", \"currency\": \"USD\"}]}], \"has_more\": false, \"next_page\": null}",
            "{\"data\": [{\"starting_at\": \"2026-08-08T00:00:00Z\", \"ending_at\": \"2026-08-09T00:00:00Z\", \"results\": [{\"amount\": \"NaN\", \"currency\": \"USD\"}]}], \"has_more\": false, \"next_page\": null}",
            "{\"data\": [{\"starting_at\": \"2026-08-08T00:00:00Z\", \"ending_at\": \"2026-08-09T00:00:00Z\", \"results\": [{\"amount\": \"1e30\", \"currency\": \"USD\"}]}], \"has_more\": false, \"next_page\": null}",
            "{\"data\": [{\"starting_at\": \"2026-08-08T00:00:00Z\", \"ending_at\": \"2026-08-09T00:00:00Z\", \"results\": [{\"amount\": 12, \"currency\": \"USD\"}]}], \"has_more\": \"no\", \"next_page\": null}"})
    void case07_aMalformedPageStoresNothingOfItself(String body) {
        List<String> cursors = system.serveCost(DAYS, 3);
        api.server().stubFor(FakeAdminApi.costPage(cursors.get(1)).atPriority(1).willReturn(Fixture.json(body)));

        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline()))
                .isInstanceOf(ReportParseException.class);

        for (String day : List.of("2026-08-08", "2026-08-09", "2026-08-10")) {
            assertThat(system.components.reports().costDay(LocalDate.parse(day))).as(day).isEmpty();
        }
        assertN2(system);
    }

    @Test
    void case08_paginationPathologiesTripTheGuardsInsteadOfSpinning() {
        // has_more with no cursor
        api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.json(
                ReportJsonWriter.costPage(DAYS.subList(0, 3), true, null))));
        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline())).isInstanceOf(PaginationException.class);

        // the same cursor twice (a cycle)
        api.reset();
        api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.json(
                ReportJsonWriter.costPage(DAYS.subList(0, 3), true, "page_again"))));
        api.server().stubFor(FakeAdminApi.costPage("page_again").willReturn(Fixture.json(
                ReportJsonWriter.costPage(DAYS.subList(3, 6), true, "page_again"))));
        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline())).isInstanceOf(PaginationException.class);

        // has_more forever, a new cursor every time: the page cap stops it
        api.reset();
        Fixture capped = new Fixture(api, new StaticAdminKey(Fixture.KEY), null, RetryPolicy.DEFAULT.withMaxPages(5)
                .withRequestTimeout(FakeAdminApi.TEST_REQUEST_TIMEOUT), DynamoDbLocal.shared().newTable());
        for (int i = 0; i < 10; i++) {
            api.server().stubFor(FakeAdminApi.costPage(i == 0 ? null : "page_" + i).atPriority(1).willReturn(
                    Fixture.json(ReportJsonWriter.costPage(List.of(), true, "page_" + (i + 1)))));
        }
        assertThatThrownBy(() -> capped.cost.run(Fixture.DAILY, api.deadline())).isInstanceOf(PaginationException.class)
                .hasMessageContaining("5");
        api.server().verify(lessThanOrExactly(5), getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));
        assertN2(system);
        assertN2(capped);
    }

    @Test
    void case09_missedDaysAreCaughtUpInPagesOfAtMost31Days() {
        // the watermark is 40 days back: four failed months of runs, in effect
        List<CostDay> days = Fixture.costDays("2026-07-05", "2026-08-13", "7");
        system.setCostWatermark("2026-07-05T00:00:00Z");
        Fixture fresh = new Fixture(api);
        fresh.setCostWatermark("2026-07-05T00:00:00Z");
        fresh.serveCost(days, 31);

        IngestSummary summary = fresh.cost.run(Fixture.DAILY, api.deadline());

        assertThat(summary.bucketsStored()).isEqualTo(40);
        api.server().verify(getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH))
                .withQueryParam("limit", matching("([1-9]|[12][0-9]|3[01])")));
        api.server().verify(2, getRequestedFor(urlPathEqualTo(FakeAdminApi.COST_PATH)));
        assertN1(fresh, days);
        assertThat(fresh.costWatermark()).isEqualTo(Fixture.midnight("2026-08-14"));
    }

    @Test
    void case10_aRestatedDayIsReplacedExactlyAndARepeatChangesNothing() {
        system.serveCost(DAYS, 9);
        system.cost.run(Fixture.DAILY, api.deadline());

        api.reset();
        api.clock().set(Instant.parse("2026-08-14T05:00:00Z"));
        List<CostDay> restated = Fixture.costDays("2026-08-05", "2026-08-13", "250");
        system.serveCost(restated, 9);
        system.cost.run(new org.costobservatory.ingest.IngestRequest.Backfill(LocalDate.parse("2026-08-05"),
                LocalDate.parse("2026-08-13")), api.deadline());
        List<String> once = system.facts();
        system.cost.run(new org.costobservatory.ingest.IngestRequest.Backfill(LocalDate.parse("2026-08-05"),
                LocalDate.parse("2026-08-13")), api.deadline());

        assertN1(system, restated);
        assertThat(system.facts()).isEqualTo(once);
    }

    @Test
    void case11_theSameScheduledEventDeliveredTwiceConcurrentlyAndAgainConvergesToOneRun() throws Exception {
        system.serveCost(DAYS, 3);
        Fixture twin = system.sameTable();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<IngestSummary>> runs = List.of(
                pool.submit(() -> {
                    start.await();
                    return system.cost.run(Fixture.DAILY, api.deadline());
                }),
                pool.submit(() -> {
                    start.await();
                    return twin.cost.run(Fixture.DAILY, api.deadline());
                }));
        start.countDown();
        for (Future<IngestSummary> run : runs) {
            run.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        system.cost.run(Fixture.DAILY, api.deadline());

        Fixture oracle = system.oracle();
        oracle.setCostWatermark("2026-08-05T00:00:00Z");
        oracle.cost.run(Fixture.DAILY, api.deadline());
        assertN1(system, DAYS);
        assertThat(system.facts()).isEqualTo(oracle.facts());
        assertThat(system.state()).isEqualTo(oracle.state());
    }
}
