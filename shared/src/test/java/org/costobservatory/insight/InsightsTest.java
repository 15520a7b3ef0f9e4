package org.costobservatory.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.config.Config;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.Calibration;
import org.costobservatory.pricing.ModelRatio;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.StoredUsageHour;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.SeededTable;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Insights from stored usage rows on DynamoDB Local: every ranking and the total add up to the stored rows to the
 * cent, in both periods; the cache, batch and what-if figures are the rows repriced by hand.
 */
class InsightsTest {
    private static final MutableClock CLOCK = MutableClock.at("2026-11-21T02:40:00Z");
    private static final LocalDate FROM = LocalDate.parse("2026-11-14");
    private static final LocalDate TO = LocalDate.parse("2026-11-20");
    private static Components components;

    /** Two weeks of three hours a day: 14 keys over 3 workspaces and 4 models, all tiers, odd cent fractions. */
    @BeforeAll
    static void seed() {
        String table = DynamoDbLocal.shared().newTable();
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(DynamoDbLocal.shared().client()).clock(CLOCK).alertPublisher(message -> "m").build();
        SeededTable seeded = new SeededTable(components, CLOCK.instant());
        String[] models = {"claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5", "claude-fable-5"};
        String[] tiers = {"standard", "batch", "priority", "standard"};
        for (LocalDate day = FROM.minusDays(7); !day.isAfter(TO); day = day.plusDays(1)) {
            for (int h : new int[] {3, 11, 19}) {
                Instant hour = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(h * 3600L);
                List<UsageRow> rows = new ArrayList<>();
                for (int k = 0; k < 14; k++) {
                    long n = 1 + (day.getDayOfMonth() * 7L + h * 3L + k * 11L) % 17;
                    String key = k == 13 ? null : "apikey_K" + k;
                    rows.add(new UsageRow(hour, k % 3 == 0 ? null : "wrkspc_W" + k % 3, key, models[k % 4],
                            tiers[(k + day.getDayOfMonth()) % 4], k == 5 ? "200k-1M" : "0-200k", 12_345 * n,
                            54_321 * n, 1_111 * n, k % 2 == 0 ? 777 * n : 0, 3_333 * n, k % 5 == 0 ? n : 0));
                }
                seeded.usageHour(hour, rows);
            }
        }
    }

    private static List<PricedUsageRow> storedRows(LocalDate from, LocalDate to) {
        List<PricedUsageRow> rows = new ArrayList<>();
        for (StoredUsageHour hour : components.reports().usageHours(from.atStartOfDay(ZoneOffset.UTC).toInstant(),
                to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())) {
            rows.addAll(hour.rows());
        }
        return rows;
    }

    private static BigDecimal cents(List<PricedUsageRow> rows) {
        return rows.stream().map(row -> row.price().cents()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static BigDecimal sum(List<Insights.Line> lines, boolean previous) {
        return lines.stream().map(previous ? Insights.Line::previousCents : Insights.Line::cents)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void everyRankingAddsUpToTheStoredRowsToTheCentInBothPeriods() {
        Insights.Report report = components.insights().build(FROM, TO, Optional.empty());

        BigDecimal stored = cents(storedRows(FROM, TO));
        BigDecimal storedBefore = cents(storedRows(FROM.minusDays(7), FROM.minusDays(1)));
        assertThat(stored.scale()).as("the rows carry fractions of a cent").isGreaterThan(2);
        assertThat(report.totalCents()).isEqualByComparingTo(stored);
        assertThat(report.previousTotalCents()).isEqualByComparingTo(storedBefore);
        assertThat(report.previousFrom()).isEqualTo(FROM.minusDays(7));
        for (List<Insights.Line> ranking : List.of(report.apiKeys(), report.workspaces(), report.models())) {
            assertThat(sum(ranking, false)).isEqualByComparingTo(stored);
            assertThat(sum(ranking, true)).isEqualByComparingTo(storedBefore);
        }
        // 14 keys: the top 10 and one line for the other 4
        assertThat(report.apiKeys()).hasSize(Insights.TOP + 1).last().extracting(Insights.Line::key)
                .isEqualTo(Insights.OTHERS);
        assertThat(report.apiKeys().get(0).cents()).isGreaterThanOrEqualTo(report.apiKeys().get(1).cents());
        assertThat(report.workspaces()).extracting(Insights.Line::name).contains("Default");
        assertThat(report.rows()).isEqualTo(7 * 3 * 14);
        assertThat(report.missingDays()).isEmpty();
    }

    @Test
    void aScopeKeepsOnlyItsRowsAndStillAddsUp() {
        Insights.Report opus = components.insights().build(FROM, TO, Optional.of(Insights.Scope.parse(
                "model:claude-opus")));
        List<PricedUsageRow> rows = storedRows(FROM, TO).stream()
                .filter(row -> row.row().model().startsWith("claude-opus")).toList();

        assertThat(opus.totalCents()).isEqualByComparingTo(cents(rows));
        assertThat(opus.models()).extracting(Insights.Line::key).containsExactly("claude-opus-4-6");
        assertThat(sum(opus.apiKeys(), false)).isEqualByComparingTo(cents(rows));
    }

    @Test
    void cacheBatchAndWhatIfFiguresAreTheStoredRowsRepricedByHand() {
        Insights.Report report = components.insights().build(FROM, TO, Optional.empty());
        List<PricedUsageRow> rows = storedRows(FROM, TO);
        UsagePricer pricer = components.pricer();

        long read = 0;
        long input = 0;
        BigDecimal batch = BigDecimal.ZERO;
        BigDecimal cheaper = BigDecimal.ZERO;
        BigDecimal oneHour = BigDecimal.ZERO;
        BigDecimal toBatch = BigDecimal.ZERO;
        for (PricedUsageRow priced : rows) {
            UsageRow r = priced.row();
            BigDecimal list = pricer.price(r).cents();
            read += r.cacheReadInputTokens();
            input += r.totalInputTokens();
            if (r.serviceTier().equals("batch")) {
                batch = batch.add(priced.price().cents());
            }
            String target = switch (r.model()) {
                case "claude-opus-4-6" -> "claude-sonnet-4-6";
                // no Haiku 4.6: the newest Haiku current in November 2026
                case "claude-sonnet-4-6" -> "claude-haiku-5-5";
                default -> null;
            };
            if (target != null) {
                cheaper = cheaper.add(list.subtract(pricer.price(copy(r, target, r.serviceTier(),
                        r.cacheCreation5mInputTokens(), r.cacheCreation1hInputTokens())).cents()));
            }
            oneHour = oneHour.add(list.subtract(pricer.price(copy(r, r.model(), r.serviceTier(),
                    r.cacheCreation5mInputTokens() + r.cacheCreation1hInputTokens(), 0)).cents()));
            if (r.serviceTier().equals("standard") && !r.apiKeyId().equals("none")) {
                toBatch = toBatch.add(list.subtract(pricer.price(copy(r, r.model(), "batch",
                        r.cacheCreation5mInputTokens(), r.cacheCreation1hInputTokens())).cents()));
            }
        }
        assertThat(report.cache().hitRate()).isCloseTo(read / (double) input, org.assertj.core.data.Offset.offset(
                1e-12));
        assertThat(report.batch().cents()).isEqualByComparingTo(batch);
        Map<String, Insights.WhatIf> whatIfs = new java.util.HashMap<>();
        report.whatIfs().forEach(w -> whatIfs.put(w.id(), w));
        assertThat(whatIfs.get("cheaper_model").savingCents()).isEqualByComparingTo(cheaper).isPositive();
        assertThat(whatIfs.get("cheaper_model").details()).extracting(d -> d.from() + " as " + d.to())
                .containsExactlyInAnyOrder("claude-opus-4-6 as claude-sonnet-4-6",
                        "claude-sonnet-4-6 as claude-haiku-5-5");
        assertThat(whatIfs.get("cache_1h_as_5m").savingCents()).isEqualByComparingTo(oneHour).isPositive();
        assertThat(whatIfs.get("standard_as_batch").savingCents()).isEqualByComparingTo(toBatch).isPositive();
        assertThat(report.whatIfs()).allSatisfy(w -> assertThat(w.assumptions()).startsWith("Estimate"));
    }

    @Test
    void whatIfsUseThePricesLearnedFromTheBillWhereKnown() {
        // GIVEN the bill taught that Sonnet is billed at 85 % of its list price (a negotiated discount)
        Components learned = Components.builder(Config.fromEnv(Map.of("TABLE_NAME",
                        DynamoDbLocal.shared().newTable()))).dynamo(DynamoDbLocal.shared().client()).clock(CLOCK)
                .alertPublisher(message -> "m").build();
        BigDecimal sonnetRatio = new BigDecimal("0.85");
        boolean stored = learned.calibrations().replace(new Calibration(Optional.of(FROM.minusDays(7)), Optional.of(FROM.minusDays(1)),
                List.of(), List.of(new ModelRatio("claude-sonnet-4-6", sonnetRatio, new BigDecimal("85"),
                        new BigDecimal("100"), List.of(FROM.minusDays(1))))),
                RunInfo.manual(ReportKind.COST, CLOCK.instant()));
        assertThat(stored).isTrue();
        assertThat(learned.calibrations().current().model("claude-sonnet-4-6")).isPresent();
        Insights insights = new Insights(components.reports(), components.workspaces(), components.pricer(),
                learned.calibrations());

        // WHEN the insights are built
        Insights.Report report = insights.build(FROM, TO, Optional.empty());

        // THEN Opus as Sonnet saves more than at list price, and Sonnet as Haiku saves from Sonnet's billed price
        UsagePricer pricer = components.pricer();
        BigDecimal opusAsSonnet = BigDecimal.ZERO;
        BigDecimal sonnetAsHaiku = BigDecimal.ZERO;
        for (PricedUsageRow priced : storedRows(FROM, TO)) {
            UsageRow r = priced.row();
            BigDecimal list = pricer.price(r).cents();
            // web search is billed per search ($10 per 1,000), not per token: the learned token ratio leaves it be
            BigDecimal search = BigDecimal.valueOf(r.webSearchRequests());
            if (r.model().equals("claude-opus-4-6")) {
                opusAsSonnet = opusAsSonnet.add(list.subtract(discounted(pricer.price(copy(r, "claude-sonnet-4-6",
                        r.serviceTier(), r.cacheCreation5mInputTokens(), r.cacheCreation1hInputTokens())).cents(),
                        search, sonnetRatio)));
            } else if (r.model().equals("claude-sonnet-4-6")) {
                sonnetAsHaiku = sonnetAsHaiku.add(discounted(list, search, sonnetRatio).subtract(pricer.price(copy(r,
                        "claude-haiku-5-5", r.serviceTier(), r.cacheCreation5mInputTokens(),
                        r.cacheCreation1hInputTokens())).cents()));
            }
        }
        Insights.WhatIf cheaper = report.whatIfs().stream().filter(w -> w.id().equals("cheaper_model")).findFirst()
                .orElseThrow();
        Map<String, BigDecimal> byPair = new java.util.HashMap<>();
        cheaper.details().forEach(d -> byPair.put(d.from() + " as " + d.to(), d.savingCents()));
        assertThat(byPair.get("claude-opus-4-6 as claude-sonnet-4-6"))
                .isCloseTo(opusAsSonnet, org.assertj.core.data.Offset.offset(new BigDecimal("0.001")));
        assertThat(byPair.get("claude-sonnet-4-6 as claude-haiku-5-5"))
                .isCloseTo(sonnetAsHaiku, org.assertj.core.data.Offset.offset(new BigDecimal("0.001")));
        assertThat(cheaper.assumptions()).startsWith("Estimate at the prices learned from the bill where known");
        assertThat(components.insights().build(FROM, TO, Optional.empty()).whatIfs().get(0).details().stream()
                .filter(d -> d.from().equals("claude-opus-4-6")).findFirst().orElseThrow().savingCents())
                .as("at list price the same switch saves less").isLessThan(byPair.get(
                        "claude-opus-4-6 as claude-sonnet-4-6"));
    }

    /** Token cost at {@code ratio} of list, web search unchanged. */
    private static BigDecimal discounted(BigDecimal listCents, BigDecimal searchCents, BigDecimal ratio) {
        return listCents.subtract(searchCents).multiply(ratio).add(searchCents);
    }

    private static UsageRow copy(UsageRow r, String model, String tier, long write5m, long write1h) {
        return new UsageRow(r.bucketStart(), r.workspaceId(), r.apiKeyId(), model, tier, r.contextWindow(),
                r.uncachedInputTokens(), r.cacheReadInputTokens(), write5m, write1h, r.outputTokens(),
                r.webSearchRequests());
    }

    @Test
    void aRangeOverAMonthOrBackwardsIsRefused() {
        assertThatThrownBy(() -> components.insights().build(TO, FROM, Optional.empty()))
                .hasMessageContaining("before");
        assertThatThrownBy(() -> components.insights().build(FROM, FROM.plusDays(31), Optional.empty()))
                .hasMessageContaining("at most 31 days");
        assertThatThrownBy(() -> Insights.Scope.parse("team:x")).hasMessageContaining("workspace:ID");
        assertThatThrownBy(() -> Insights.Scope.parse("workspace:prod")).hasMessageContaining("wrkspc_");
    }
}
