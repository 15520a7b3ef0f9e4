package org.costobservatory.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.pricing.CalibratedPrice;
import org.costobservatory.pricing.Calibration;
import org.costobservatory.pricing.CalibrationKey;
import org.costobservatory.pricing.PriceBasis;
import org.costobservatory.pricing.TokenType;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.HourSpend;
import org.costobservatory.store.ProvisionalDay;
import org.costobservatory.testing.BilledOrganisation;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Prices learned from the bill, end to end: WireMock serves a cost report that list prices cannot predict (a
 * discount, an unlisted model, US-only rows, a batch row, a long-context row) and the usage report of the same days;
 * the real jobs store them in DynamoDB Local; the daily run learns effective prices and re-prices what is not settled.
 */
class PriceCalibrationTest {
    /** A daily run at 02:30 on the 10th settles the 9th; usage is stored through 02:00 of the 10th. */
    private static final Instant NOW = Instant.parse("2026-11-10T02:30:00Z");
    private static final IngestRequest DAILY = new IngestRequest.Scheduled(NOW);
    private static final IngestRequest HOURLY = new IngestRequest.Scheduled(Instant.parse("2026-11-10T02:10:00Z"));
    private static final Instant USAGE_FROM = Instant.parse("2026-11-06T00:00:00Z");
    private static final Instant USAGE_TO = Instant.parse("2026-11-10T02:00:00Z");

    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();
    private final BilledOrganisation organisation = new BilledOrganisation();
    private Components components;

    @BeforeEach
    void setUp() {
        api.clock().set(NOW);
        DynamoDbLocal local = DynamoDbLocal.shared();
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(local.client()).clock(api.clock())
                .adminReports(() -> api.client(new StaticAdminKey("sk-ant-admin01-test-" + "c".repeat(30))))
                .alertPublisher(message -> "message").build();
        organisation.serve(api, USAGE_FROM, USAGE_TO, LocalDate.parse("2026-11-06"), LocalDate.parse("2026-11-09"));
        components.watermarks().advance(ReportKind.USAGE, USAGE_FROM, USAGE_FROM);
        components.watermarks().advance(ReportKind.COST, USAGE_FROM, USAGE_FROM);
    }

    private void ingest() {
        components.usageReportJob().run(HOURLY, api.deadline());
        components.costReportJob().run(DAILY, api.deadline());
    }

    private CalibratedPrice learned(String workspace, String model, String tier, String window) {
        return components.calibrations().current().price(new CalibrationKey(workspace, model, tier, window))
                .orElseThrow(() -> new AssertionError("nothing learned for " + workspace + "|" + model));
    }

    private static void rates(CalibratedPrice price, String input, String output) {
        assertThat(price.rate(TokenType.UNCACHED_INPUT)).as("input").isEqualByComparingTo(input);
        assertThat(price.rate(TokenType.OUTPUT)).as("output").isEqualByComparingTo(output);
    }

    @Test
    void eachKeyLearnsWhatTheBillChargedItsTokensFromTheSettledDays() {
        ingest();

        // a 20 % discount on Sonnet 4.6: $2.40 / $12.00 and cache reads $0.24; the kinds never billed follow the ratio
        CalibratedPrice discounted = learned("default", BilledOrganisation.SONNET, "standard", "0-200k");
        rates(discounted, "2.4", "12");
        assertThat(discounted.rate(TokenType.CACHE_READ)).isEqualByComparingTo("0.24");
        assertThat(discounted.rate(TokenType.CACHE_WRITE_5M)).isEqualByComparingTo("3");
        assertThat(discounted.ratioToList()).isEqualByComparingTo("0.8");
        assertThat(discounted.learned()).containsOnlyKeys(TokenType.UNCACHED_INPUT, TokenType.OUTPUT,
                TokenType.CACHE_READ);
        // an unlisted model: its own price, measured against its family's dearest current model
        CalibratedPrice unlisted = learned(BilledOrganisation.SUPPORT, BilledOrganisation.UNLISTED, "standard",
                "0-200k");
        rates(unlisted, "0.2", "1");
        assertThat(unlisted.pricedAs()).isEqualTo("claude-haiku-4-5");
        // US-only Opus 4.6 in Research: 1.1x
        rates(learned(BilledOrganisation.RESEARCH, BilledOrganisation.OPUS, "standard", "0-200k"), "5.5", "27.5");
        // the batch row at half price, the long-context row at the long-context list price
        rates(learned(BilledOrganisation.BATCH, BilledOrganisation.OPUS, "batch", "0-200k"), "2.5", "12.5");
        rates(learned("default", BilledOrganisation.LONG, "standard", "200k-1M"), "6", "22.5");
        // Priority Tier is not in the bill, so nothing is learned for it
        assertThat(components.calibrations().current().price(new CalibrationKey(BilledOrganisation.RESEARCH,
                BilledOrganisation.OPUS, "priority", "0-200k"))).isEmpty();
        // and each price names the settled days it came from
        assertThat(unlisted.days()).containsExactly(LocalDate.parse("2026-11-06"), LocalDate.parse("2026-11-07"),
                LocalDate.parse("2026-11-08"), LocalDate.parse("2026-11-09"));
        Calibration all = components.calibrations().current();
        assertThat(all.windowFrom()).contains(LocalDate.parse("2026-11-03"));
        assertThat(all.windowTo()).contains(LocalDate.parse("2026-11-09"));
        assertThat(all.model(BilledOrganisation.OPUS)).isPresent();
    }

    @Test
    void theHoursNotSettledAreRePricedAndHeadroomSaysWhichPricesApplied() {
        components.usageReportJob().run(HOURLY, api.deadline());
        Instant today = Instant.parse("2026-11-10T00:00:00Z");
        BigDecimal billed = organisation.billedCents(today).add(organisation.billedCents(today.plusSeconds(3600)));
        DailySpend before = components.spend().read(SpendScope.ORG, LocalDate.parse("2026-11-10"),
                LocalDate.parse("2026-11-10")).get(0);
        assertThat(total(before)).as("at list price the unlisted model costs five times its bill")
                .isGreaterThan(billed);

        components.costReportJob().run(DAILY, api.deadline());

        DailySpend after = components.spend().read(SpendScope.ORG, LocalDate.parse("2026-11-10"),
                LocalDate.parse("2026-11-10")).get(0);
        assertThat(total(after)).as("re-priced: the two hours since the last settled day cost what the bill says")
                .isEqualByComparingTo(billed);
        assertThat(after.usageByHour().get(0).get(BilledOrganisation.UNLISTED).basis())
                .isEqualTo(PriceBasis.CALIBRATED);

        Budget budget = new Budget("org", new BigDecimal("100000"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty());
        HeadroomAnswer answer = components.headroom().answer(budget, BigDecimal.ZERO);
        // provisional is spent minus settled, each rounded to cents, so it is the bill's figure within a cent
        assertThat(answer.provisionalUsd()).isCloseTo(billed.movePointLeft(2), within(new BigDecimal("0.01")));
        assertThat(answer.pricing().calibratedModels()).containsExactly(BilledOrganisation.UNLISTED,
                BilledOrganisation.LONG, BilledOrganisation.SONNET);
        // Opus also runs on Priority Tier, which stays at list price: its provisional usage rests on both
        assertThat(answer.pricing().listPricedModels()).containsExactly(BilledOrganisation.OPUS);
        assertThat(answer.pricing().unpricedModels()).isEmpty();
        assertThat(answer.unpricedModels()).isEmpty();
    }

    @Test
    void anUnlistedModelIsUnpricedUntilItsFirstSettledDayThenCalibrated() {
        components.usageReportJob().run(HOURLY, api.deadline());
        Budget budget = new Budget("org", new BigDecimal("100000"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty());
        HeadroomAnswer before = components.headroom().answer(budget, BigDecimal.ZERO);
        assertThat(before.pricing().unpricedModels()).containsExactly(BilledOrganisation.UNLISTED);
        assertThat(before.unpricedModels()).containsExactly(BilledOrganisation.UNLISTED);
        assertThat(before.pricing().calibratedModels()).isEmpty();

        components.costReportJob().run(DAILY, api.deadline());

        HeadroomAnswer after = components.headroom().answer(budget, BigDecimal.ZERO);
        assertThat(after.pricing().unpricedModels()).isEmpty();
        assertThat(after.pricing().calibratedModels()).contains(BilledOrganisation.UNLISTED);
    }

    @Test
    void theProvisionalFigureOfEachDayIsKeptAsHeadroomSaidItBeforeTheDaySettled() {
        components.usageReportJob().run(HOURLY, api.deadline());
        LocalDate day = LocalDate.parse("2026-11-09");
        BigDecimal saidBefore = components.spend().read(SpendScope.ORG, day, day).get(0).usageByHour().values()
                .stream().flatMap(hour -> hour.values().stream())
                .map(spend -> spend.cents().subtract(spend.priorityCents())).reduce(BigDecimal.ZERO, BigDecimal::add);

        components.costReportJob().run(DAILY, api.deadline());

        ProvisionalDay kept = components.provisional().day(day).orElseThrow();
        assertThat(kept.total().provisionalCents()).isEqualByComparingTo(saidBefore);
        assertThat(kept.total().listCents()).isEqualByComparingTo(saidBefore);
        assertThat(kept.settledThroughBefore()).contains(LocalDate.parse("2026-11-05"));
        assertThat(kept.basis()).containsEntry(BilledOrganisation.UNLISTED, PriceBasis.UNPRICED)
                .containsEntry(BilledOrganisation.SONNET, PriceBasis.LIST);
        assertThat(kept.byTokenType()).containsKeys("uncached_input_tokens", "output_tokens",
                "cache_read_input_tokens", "web_search");
        BigDecimal byModel = kept.byModel().values().stream().map(ProvisionalDay.Amounts::provisionalCents)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal byWorkspace = kept.byWorkspace().values().stream().map(ProvisionalDay.Amounts::provisionalCents)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(byModel).isEqualByComparingTo(saidBefore);
        assertThat(byWorkspace).isEqualByComparingTo(saidBefore);
    }

    @Test
    void aSecondRunOfTheSameScheduleChangesNothing() {
        ingest();
        Calibration first = components.calibrations().current();
        List<DailySpend> rollups = components.spend().read(SpendScope.ORG, LocalDate.parse("2026-11-06"),
                LocalDate.parse("2026-11-10"));

        PriceCalibration.Outcome again = components.priceCalibration().learnAndReprice(
                org.costobservatory.store.RunInfo.scheduled(ReportKind.COST, NOW, NOW));

        assertThat(again.rollupsRepriced()).isZero();
        assertThat(components.calibrations().current()).isEqualTo(first);
        assertThat(components.spend().read(SpendScope.ORG, LocalDate.parse("2026-11-06"),
                LocalDate.parse("2026-11-10"))).isEqualTo(rollups);
    }

    @Test
    void aDayWhoseUsageIsNotCompleteKeepsNoProvisionalFigure() {
        // only the first day's usage is stored before the bill arrives
        components.usageReportJob().run(new IngestRequest.Backfill(LocalDate.parse("2026-11-06"),
                LocalDate.parse("2026-11-06")), api.deadline());

        components.costReportJob().run(DAILY, api.deadline());

        assertThat(components.provisional().day(LocalDate.parse("2026-11-06"))).isPresent();
        assertThat(components.provisional().day(LocalDate.parse("2026-11-07"))).isEmpty();
    }

    private static BigDecimal total(DailySpend day) {
        return day.usageByHour().values().stream().flatMap(hour -> hour.values().stream()).map(HourSpend::cents)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
