package org.costobservatory.insight;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.config.Config;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.store.Anomaly;
import org.costobservatory.store.AnomalyStore;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.MotoServer;
import org.costobservatory.testing.SeededTable;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Anomalies on constructed days, stored through the real report store on DynamoDB Local and announced through
 * moto_server SNS→SQS: a cache-miss spike, a switch to a dearer model, a new API key; each explained, each sent once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnomalyScanTest {
    static final String SUPPORT = "wrkspc_Support";
    static final String RESEARCH = "wrkspc_Research";
    static final String SUPPORT_KEY = "apikey_Support";
    static final String RESEARCH_KEY = "apikey_Research";
    static final String NEW_KEY = "apikey_BrandNew";
    static final String HAIKU = "claude-haiku-4-5";
    static final String OPUS = "claude-opus-4-6";
    static final LocalDate CACHE_MISSES = LocalDate.parse("2026-11-18");
    static final LocalDate MODEL_SWITCH = LocalDate.parse("2026-11-19");
    static final LocalDate NEW_KEY_DAY = LocalDate.parse("2026-11-20");

    private static final MutableClock clock = MutableClock.at("2026-11-21T02:40:00Z");
    private static AlertInbox inbox;
    private static String table;

    /** One table for the class: the tests run in order, the review first, the real scans after. */
    @BeforeAll
    static void seed() {
        inbox = new AlertInbox(MotoServer.shared());
        table = DynamoDbLocal.shared().newTable();
        Components components = components(true);
        SeededTable seeded = new SeededTable(components, clock.instant());
        for (LocalDate day = LocalDate.parse("2026-11-01"); !day.isAfter(NEW_KEY_DAY); day = day.plusDays(1)) {
            Instant noon = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(12 * 3600);
            seeded.usageHour(noon, day(day, noon));
            seeded.settle(day);
        }
        seeded.watermarks(CACHE_MISSES, NEW_KEY_DAY, NEW_KEY_DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant());
    }

    @AfterAll
    static void tearDown() {
        inbox.close();
    }

    private static Components components(boolean alerts) {
        Components.Builder builder = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(DynamoDbLocal.shared().client()).clock(clock)
                .alertPublisher(inbox.publisher());
        if (!alerts) {
            builder.withoutAlerts();
        }
        return builder.build();
    }

    /**
     * Support: Haiku with a warm cache ($14 a day), on the 18th the cache stops hitting ($32). Research: Haiku ($10 a
     * day), on the 19th the same tokens on Opus ($50). On the 20th a new key in Research spends $30.
     */
    static List<UsageRow> day(LocalDate day, Instant hour) {
        List<UsageRow> rows = new ArrayList<>();
        boolean misses = day.equals(CACHE_MISSES);
        rows.add(SeededTable.row(hour, SUPPORT, SUPPORT_KEY, HAIKU, "standard", misses ? 22_000_000 : 2_000_000,
                misses ? 0 : 20_000_000, 0, 0, 2_000_000));
        rows.add(SeededTable.row(hour, RESEARCH, RESEARCH_KEY, day.equals(MODEL_SWITCH) ? OPUS : HAIKU, "standard",
                5_000_000, 0, 0, 0, 1_000_000));
        if (day.equals(NEW_KEY_DAY)) {
            rows.add(SeededTable.row(hour, RESEARCH, NEW_KEY, HAIKU, "standard", 20_000_000, 0, 0, 0, 2_000_000));
        }
        return rows;
    }

    private static Anomaly find(List<AnomalyStore.AnomalyDay> days, LocalDate date, String kind, String id) {
        return days.stream().filter(d -> d.date().equals(date)).flatMap(d -> d.anomalies().stream())
                .filter(a -> a.kind().equals(kind) && a.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no anomaly for " + kind + " " + id + " on " + date));
    }

    private static List<String> reasonKinds(Anomaly anomaly) {
        return anomaly.reasons().stream().map(Anomaly.Reason::kind).toList();
    }

    @Test
    @Order(3)
    void aCacheMissSpikeIsFlaggedAndExplainedByTheFallingHitRate() {
        Components components = components(true);

        List<AnomalyStore.AnomalyDay> days = components.anomalies().days(CACHE_MISSES, NEW_KEY_DAY);
        Anomaly workspace = find(days, CACHE_MISSES, Anomaly.WORKSPACE, SUPPORT);
        assertThat(workspace.spentCents()).isEqualByComparingTo("3200");
        assertThat(workspace.baselineCents()).isEqualByComparingTo("1400");
        Anomaly.Reason cache = workspace.reasons().get(0);
        assertThat(cache.kind()).isEqualTo("cache_misses");
        assertThat(cache.before()).contains(new BigDecimal("0.9091"));
        assertThat(cache.after()).contains(new BigDecimal("0.0000"));
        assertThat(cache.text()).contains("cache hit rate fell from 91% to 0%").contains("$22.00 on the day");
        assertThat(find(days, CACHE_MISSES, Anomaly.API_KEY, SUPPORT_KEY).reasons().get(0).kind())
                .isEqualTo("cache_misses");
        assertThat(days.stream().filter(d -> d.date().equals(CACHE_MISSES)).flatMap(d -> d.anomalies().stream())
                .map(Anomaly::scopeText)).as("Haiku as a whole stayed under twice its mean")
                .containsExactlyInAnyOrder("workspace:" + SUPPORT, "api_key:" + SUPPORT_KEY);
    }

    @Test
    @Order(4)
    void aSwitchToADearerModelIsFlaggedAsAModelMixShiftAndTheModelAsNew() {
        Components components = components(true);

        List<AnomalyStore.AnomalyDay> days = components.anomalies().days(MODEL_SWITCH, MODEL_SWITCH);
        Anomaly workspace = find(days, MODEL_SWITCH, Anomaly.WORKSPACE, RESEARCH);
        assertThat(workspace.spentCents()).isEqualByComparingTo("5000");
        assertThat(reasonKinds(workspace)).contains("model_mix").doesNotContain("new_scope", "cache_misses");
        Anomaly.Reason mix = workspace.reasons().stream().filter(r -> r.kind().equals("model_mix")).findFirst()
                .orElseThrow();
        assertThat(mix.subject()).contains(OPUS);
        assertThat(mix.text()).isEqualTo("claude-opus-4-6 was 100% of spend (0% before)");
        Anomaly opus = find(days, MODEL_SWITCH, Anomaly.MODEL, OPUS);
        assertThat(reasonKinds(opus).get(0)).isEqualTo("new_scope");
        assertThat(opus.baselineCents()).isEqualByComparingTo("0");
    }

    @Test
    @Order(5)
    void aKeyNeverSeenBeforeIsFlaggedAsNew() {
        Components components = components(true);

        Anomaly key = find(components.anomalies().days(NEW_KEY_DAY, NEW_KEY_DAY), NEW_KEY_DAY, Anomaly.API_KEY,
                NEW_KEY);
        assertThat(key.spentCents()).isEqualByComparingTo("3000");
        assertThat(key.reasons().get(0).kind()).isEqualTo("new_scope");
        assertThat(key.reasons().get(0).text()).isEqualTo("new API key: no spend in the 56 days before");
    }

    @Test
    @Order(2)
    void eachAnomalyIsAnnouncedOnceHoweverOftenTheDaysAreChecked() {
        Components components = components(true);
        int sent = components.anomalyScan().run();

        List<JsonNode> delivered = inbox.drain();
        int stored = components.anomalies().days(CACHE_MISSES, NEW_KEY_DAY).stream()
                .mapToInt(day -> day.anomalies().size()).sum();
        assertThat(stored).isGreaterThanOrEqualTo(6);
        assertThat(sent).isEqualTo(stored);
        assertThat(delivered).hasSize(stored);
        assertThat(delivered).extracting(envelope -> AlertInbox.attribute(envelope, "kind")).containsOnly("anomaly");
        assertThat(delivered).extracting(envelope -> envelope.path("Subject").asText())
                .anyMatch(subject -> subject.startsWith("[Cost Observatory] Workspace wrkspc_Support spent $32.00 on "
                        + "2026-11-18 (2.3\u00d7 its usual)"));

        // WHEN the next cost run checks the same days again (the cost report is re-pulled for three days),
        // and another container does at the same time
        assertThat(components.anomalyScan().run()).isZero();
        assertThat(components(true).anomalyScan().run()).isZero();
        assertThat(inbox.drain()).isEmpty();
        assertThat(components.notices().list("anomaly#")).hasSize(stored).allMatch(notice -> notice.sent());
    }

    @Test
    @Order(1)
    void reviewingADeployedTableStoresAnomaliesButClaimsAndSendsNothing() {
        Components review = components(false);
        assertThat(review.anomalyScan().run()).isZero();

        assertThat(review.anomalies().days(CACHE_MISSES, NEW_KEY_DAY)).isNotEmpty();
        assertThat(inbox.drain()).isEmpty();
        assertThat(review.notices().list("anomaly#")).isEmpty();
    }

    @Test
    @Order(6)
    void onlyDaysWithAWeekOfSettledHistoryBeforeThemAreChecked() {
        // GIVEN a cost run whose window went back to the first day stored
        Components components = components(true);
        components.watermarks().recordSuccess(org.costobservatory.domain.ReportKind.COST,
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"), "cost/backfill",
                clock.instant());

        components.anomalyScan().run();

        // THEN the first day with seven settled days before it is the 8th; each checked day is stored, empty or not
        List<LocalDate> checked = components.anomalies().days(LocalDate.parse("2026-11-01"), NEW_KEY_DAY).stream()
                .map(AnomalyStore.AnomalyDay::date).toList();
        assertThat(checked).first().isEqualTo(LocalDate.parse("2026-11-08"));
        assertThat(checked).hasSize(13).last().isEqualTo(NEW_KEY_DAY);
        assertThat(components.anomalies().days(LocalDate.parse("2026-11-08"), LocalDate.parse("2026-11-08")).get(0)
                .anomalies()).isEmpty();
        assertThat(components.anomalies().days(NEW_KEY_DAY, NEW_KEY_DAY).get(0).floorUsd())
                .isEqualByComparingTo(Config.DEFAULT_ANOMALY_FLOOR_USD);
    }
}
