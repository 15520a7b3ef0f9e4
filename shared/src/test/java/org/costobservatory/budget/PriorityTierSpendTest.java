package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.HourSpend;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.dynamodb.DynamoDbReportStore;
import org.costobservatory.store.dynamodb.DynamoDbSpendStore;
import org.costobservatory.store.dynamodb.DynamoDbWatermarkStore;
import org.costobservatory.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Priority Tier is left out of the cost report, so its list-price cost is added to settled days once, and counted in
 * provisional hours once, never twice and never dropped. The clock is fixed, so whether Priority traffic is seen does
 * not depend on the hour the build runs. Every expected figure is worked out by hand in the comments.
 */
class PriorityTierSpendTest {
    /** A Tuesday afternoon: the 10th is settled, the 11th is today. */
    private static final Instant NOW = Instant.parse("2026-11-11T15:20:00Z");
    private static final Budget ORG = new Budget("org", new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
            BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
            Optional.empty(), Optional.empty());

    private static DailySpend day(String date, String settled, Map<Integer, Map<String, HourSpend>> hours) {
        return new DailySpend(LocalDate.parse(date), SpendScope.ORG,
                Optional.ofNullable(settled).map(BigDecimal::new), Map.of(), hours, Optional.empty());
    }

    private static HourSpend spend(String cents, String priorityCents) {
        return new HourSpend(new BigDecimal(cents), new BigDecimal(priorityCents), false);
    }

    @Test
    void priorityTierCountsOnceInTheSettledAndOnceInTheProvisionalPart() {
        // GIVEN the 10th settled at 1000 cents, with 300 cents of usage of which 100 were Priority Tier,
        // and today 50 cents of usage of which 20 are Priority Tier
        Map<LocalDate, DailySpend> days = Map.of(
                LocalDate.parse("2026-11-10"), day("2026-11-10", "1000",
                        Map.of(14, Map.of("claude-opus-4-6", spend("300", "100")))),
                LocalDate.parse("2026-11-11"), day("2026-11-11", null,
                        Map.of(9, Map.of("claude-opus-4-6", spend("50", "20")))));

        // WHEN the month's spend is worked out
        Spend result = SpendCalculator.calculate(ORG, ORG.currentPeriod(NOW), days,
                Optional.of(LocalDate.parse("2026-11-10")), Optional.of(Instant.parse("2026-11-11T15:00:00Z")));

        // THEN settled = 1000 (cost report) + 100 (Priority, absent from it) = 1100
        assertThat(result.settledCents()).isEqualByComparingTo("1100");
        assertThat(result.priorityCents()).isEqualByComparingTo("100");
        // provisional = 30 (billed usage) + 20 (Priority) = 50; total 1150
        assertThat(result.provisionalCents()).isEqualByComparingTo("50");
        assertThat(result.totalCents()).isEqualByComparingTo("1150");
        assertThat(result.days()).extracting(Spend.DaySpend::totalCents)
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("1100"), new BigDecimal("50"));
        assertThat(result.byModelCents().get("claude-opus-4-6")).isEqualByComparingTo("150");

        // AND the answer shows $11.00 settled (of which $1.00 Priority), $0.50 provisional, $11.50 spent
        HeadroomAnswer answer = HeadroomService.decide(ORG, result, BigDecimal.ZERO, NOW, Duration.ofHours(3));
        assertThat(answer.settledUsd()).isEqualByComparingTo("11.00");
        assertThat(answer.priorityTierUsd()).isEqualByComparingTo("1.00");
        assertThat(answer.provisionalUsd()).isEqualByComparingTo("0.50");
        assertThat(answer.spentUsd()).isEqualByComparingTo("11.50");
    }

    @Test
    void storedPriorityTierUsageReachesBothPartsThroughTheRollups() {
        // GIVEN on DynamoDB Local: the 10th settled at $10 by the cost report, and Priority Tier usage at 14:00 on
        // the 10th and at 09:00 today, each 150,000 input + 41,000 output tokens of claude-opus-4-6
        DynamoDbClient dynamo = DynamoDbLocal.shared().client();
        String table = DynamoDbLocal.shared().newTable();
        DynamoDbReportStore reports = new DynamoDbReportStore(dynamo, table);
        DynamoDbWatermarkStore watermarks = new DynamoDbWatermarkStore(dynamo, table);
        UsagePricer pricer = new UsagePricer(PriceTable.bundled());
        LocalDate settled = LocalDate.parse("2026-11-10");
        reports.replaceCostDay(new CostDay(settled, List.of(new CostRow(settled, null, "Claude Opus", "tokens",
                "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD", new BigDecimal("1000")))),
                RunInfo.manual(ReportKind.COST, NOW));
        for (String hour : List.of("2026-11-10T14:00:00Z", "2026-11-11T09:00:00Z")) {
            UsageRow row = new UsageRow(Instant.parse(hour), null, "apikey_1", "claude-opus-4-6", "priority",
                    "0-200k", 150_000, 0, 0, 0, 41_000, 0);
            reports.replaceUsageHour(Instant.parse(hour), List.of(new PricedUsageRow(row, pricer.price(row))),
                    RunInfo.manual(ReportKind.USAGE, NOW));
        }
        watermarks.advance(ReportKind.COST, Instant.parse("2026-11-10T00:00:00Z"),
                Instant.parse("2026-11-11T00:00:00Z"));
        watermarks.advance(ReportKind.USAGE, Instant.parse("2026-11-11T09:00:00Z"),
                Instant.parse("2026-11-11T10:00:00Z"));

        // WHEN headroom is answered at the fixed time
        Spend spend = new SpendCalculator(new DynamoDbSpendStore(dynamo, table), watermarks).spend(ORG, NOW);
        HeadroomAnswer answer = HeadroomService.decide(ORG, spend, BigDecimal.ZERO, NOW, Duration.ofHours(3));

        // THEN each hour is 150000 * $5/MTok + 41000 * $25/MTok = $0.75 + $1.025 = $1.775, all Priority Tier:
        // settled $10.00 + $1.775 = $11.775 -> $11.78; provisional $1.775 -> spent $13.55 - $11.78 = $1.77
        assertThat(answer.priorityTierUsd()).isEqualByComparingTo("1.78");
        assertThat(answer.settledUsd()).isEqualByComparingTo("11.78");
        assertThat(answer.spentUsd()).isEqualByComparingTo("13.55");
        assertThat(answer.provisionalUsd()).isEqualByComparingTo("1.77");
    }
}
