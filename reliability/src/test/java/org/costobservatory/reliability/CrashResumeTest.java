package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.InvalidRequestException;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.store.StoreUnavailableException;
import org.costobservatory.testing.DynamoDbLocal;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash and resume: ingestion stops after page k (for several k), or between storing a page and moving the
 * watermark; a second run finishes the job. Every stored fact and rollup item then equals a clean single run's
 * (rule N3), apart from run metadata.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrashResumeTest {
    /** Twelve days in four pages of three. */
    private static final List<CostDay> DAYS = Fixture.costDays("2026-08-02", "2026-08-13", "5");
    /** Twenty hours in five pages of four. */
    private static final List<UsageBucket> HOURS = Fixture.usageHours("2026-08-13T06:00:00Z", "2026-08-14T02:00:00Z", 3);
    /** Started once for the class, reset before each test, closed after the last. */
    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();

    private static Fixture oracleCost() {
        Fixture oracle = new Fixture(api);
        oracle.setCostWatermark("2026-08-02T00:00:00Z");
        oracle.serveCost(DAYS, 3);
        oracle.cost.run(Fixture.DAILY, api.deadline());
        return oracle;
    }

    private static Fixture oracleUsage() {
        Fixture oracle = new Fixture(api);
        oracle.setUsageWatermark("2026-08-13T06:00:00Z");
        oracle.serveUsage(HOURS, 4);
        oracle.usage.run(Fixture.HOURLY, api.deadline());
        return oracle;
    }

    @ParameterizedTest(name = "cost run stopped after page {0}")
    @ValueSource(ints = {1, 2, 3})
    void aCostRunStoppedAfterPageKResumesToTheCleanRunsState(int k) {
        Fixture oracle = oracleCost();
        Fixture system = new Fixture(api);
        system.setCostWatermark("2026-08-02T00:00:00Z");
        List<String> cursors = system.serveCost(DAYS, 3);
        api.server().stubFor(FakeAdminApi.costPage(cursors.get(k)).atPriority(1).willReturn(Fixture.error(400,
                "invalid_request_error", "the process died here")));

        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline()))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(system.costWatermark()).isEqualTo(Fixture.midnight(DAYS.get(3 * k).date().toString()));

        api.reset();
        system.serveCost(DAYS, 3);
        system.cost.run(Fixture.DAILY, api.deadline());
        assertThat(system.facts()).isEqualTo(oracle.facts());
    }

    @ParameterizedTest(name = "usage run stopped after page {0}")
    @ValueSource(ints = {1, 3, 4})
    void aUsageRunStoppedAfterPageKResumesToTheCleanRunsState(int k) {
        Fixture oracle = oracleUsage();
        Fixture system = new Fixture(api);
        system.setUsageWatermark("2026-08-13T06:00:00Z");
        List<String> cursors = system.serveUsage(HOURS, 4);
        api.server().stubFor(FakeAdminApi.usagePage(cursors.get(k)).atPriority(1).willReturn(Fixture.error(400,
                "invalid_request_error", "the process died here")));

        assertThatThrownBy(() -> system.usage.run(Fixture.HOURLY, api.deadline()))
                .isInstanceOf(InvalidRequestException.class);

        api.reset();
        system.serveUsage(HOURS, 4);
        system.usage.run(Fixture.HOURLY, api.deadline());
        assertThat(system.facts()).isEqualTo(oracle.facts());
    }

    @ParameterizedTest(name = "cost run stopped between storing page {0} and moving the watermark")
    @ValueSource(ints = {1, 2, 4})
    void aCostRunStoppedBetweenStoringAndTheWatermarkResumesToTheCleanRunsState(int page) {
        Fixture oracle = oracleCost();
        String table = DynamoDbLocal.shared().newTable();
        Fixture plain = Fixture.on(api, DynamoDbLocal.shared(), table);
        plain.setCostWatermark("2026-08-02T00:00:00Z");
        // let (page - 1) watermark updates through, then fail every later one
        Fixture system = Fixture.on(api, DynamoDbLocal.shared(), table, new DynamoFaults(
                DynamoFaults.watermarkUpdate(), DynamoFaults.Fault.SERVER_ERROR, 100, page - 1));
        system.serveCost(DAYS, 3);

        assertThatThrownBy(() -> system.cost.run(Fixture.DAILY, api.deadline()))
                .isInstanceOf(StoreUnavailableException.class);
        // the page that was stored is there, and the watermark is still before it
        assertThat(plain.components.reports().costDay(DAYS.get(3 * (page - 1)).date())).isPresent();
        assertThat(plain.costWatermark()).isEqualTo(Fixture.midnight(DAYS.get(3 * (page - 1)).date().toString()));

        plain.cost.run(Fixture.DAILY, api.deadline());
        assertThat(plain.facts()).isEqualTo(oracle.facts());
    }
}
