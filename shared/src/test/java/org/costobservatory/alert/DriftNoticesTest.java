package org.costobservatory.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.config.Config;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.store.NoticeStore;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.BilledOrganisation;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.MotoServer;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift notice through SNS to an SQS subscriber on moto_server: one message for a newly settled day whose
 * provisional figure was off the bill, naming the models and the likely causes; never a second one, never one for a
 * first run's catch-up, a small drift, or a review of a deployed table.
 */
class DriftNoticesTest {
    private static final Instant NOW = Instant.parse("2026-11-10T02:30:00Z");
    private static final IngestRequest DAILY = new IngestRequest.Scheduled(NOW);
    private static final LocalDate SETTLING = LocalDate.parse("2026-11-09");

    @RegisterExtension
    static final FakeAdminApi api = FakeAdminApi.start();
    private AlertInbox inbox;

    @BeforeEach
    void setUp() {
        api.clock().set(NOW);
        inbox = new AlertInbox(MotoServer.shared());
    }

    @AfterEach
    void tearDown() {
        inbox.close();
    }

    /** Usage stored through 02:00 today; the bill of the 6th to the 9th served; settled through {@code settled}. */
    private Components system(Map<String, String> env, boolean alerts, String settledThrough) {
        DynamoDbLocal local = DynamoDbLocal.shared();
        Map<String, String> variables = new HashMap<>(env);
        variables.put("TABLE_NAME", local.newTable());
        Components.Builder builder = Components.builder(Config.fromEnv(variables)).dynamo(local.client())
                .clock(api.clock())
                .adminReports(() -> api.client(new StaticAdminKey("sk-ant-admin01-test-" + "d".repeat(30))))
                .alertPublisher(inbox.publisher());
        if (!alerts) {
            builder.withoutAlerts();
        }
        Components components = builder.build();
        Instant usageFrom = Instant.parse("2026-11-06T00:00:00Z");
        new BilledOrganisation().serve(api, usageFrom, Instant.parse("2026-11-10T02:00:00Z"),
                LocalDate.parse("2026-11-06"), SETTLING);
        components.watermarks().advance(ReportKind.USAGE, usageFrom, usageFrom);
        components.usageReportJob().run(new IngestRequest.Scheduled(Instant.parse("2026-11-10T02:10:00Z")),
                api.deadline());
        if (settledThrough != null) {
            Instant mark = LocalDate.parse(settledThrough).plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC)
                    .toInstant();
            components.watermarks().advance(ReportKind.COST, mark, mark);
        }
        return components;
    }

    @Test
    void aNewlySettledDayFarFromItsBillSendsOneNoticeNamingModelsAndCauses() {
        Components components = system(Map.of(), true, "2026-11-08");

        components.costReportJob().run(DAILY, api.deadline());

        List<JsonNode> received = inbox.drain();
        assertThat(received).hasSize(1);
        JsonNode notice = received.get(0);
        assertThat(AlertInbox.attribute(notice, "kind")).isEqualTo("drift");
        assertThat(AlertInbox.attribute(notice, "severity")).isEqualTo("warning");
        assertThat(notice.get("Subject").asText()).startsWith("[Cost Observatory] 2026-11-09: provisional $")
                .hasSizeLessThan(100);
        String text = notice.get("Message").asText();
        assertThat(text).contains("Provisional spend for 2026-11-09")
                .contains(BilledOrganisation.UNLISTED + ": provisional").contains("unlisted model")
                .contains(BilledOrganisation.SONNET + ": provisional").contains("discount")
                .contains("US-only inference (1.1x) in " + BilledOrganisation.RESEARCH)
                .contains("sent once per settled day");
        NoticeStore.Notice stored = components.notices().get(DriftNotices.key(SETTLING)).orElseThrow();
        assertThat(stored.sent()).isTrue();
        assertThat(stored.kind()).isEqualTo("drift");

        // a retry of the same run, and tomorrow's run that re-pulls the day, send nothing more
        components.costReportJob().run(DAILY, api.deadline());
        api.clock().set(NOW.plusSeconds(86_400));
        components.costReportJob().run(new IngestRequest.Scheduled(NOW.plusSeconds(86_400)), api.deadline());
        assertThat(inbox.drain()).isEmpty();
    }

    @Test
    void aFirstRunCatchingUpSendsNoNotice() {
        Components components = system(Map.of(), true, null);

        components.costReportJob().run(DAILY, api.deadline());

        assertThat(inbox.drain()).isEmpty();
        assertThat(components.provisional().day(SETTLING)).hasValueSatisfying(day ->
                assertThat(day.wasProvisional()).isFalse());
    }

    @Test
    void aDriftBelowTheConfiguredPercentageSendsNoNotice() {
        Components components = system(Map.of("DRIFT_ALERT_PERCENT", "1000"), true, "2026-11-08");

        components.costReportJob().run(DAILY, api.deadline());

        assertThat(inbox.drain()).isEmpty();
        assertThat(components.notices().get(DriftNotices.key(SETTLING))).isEmpty();
    }

    @Test
    void reviewingADeployedTableClaimsAndSendsNothing() {
        Components components = system(Map.of(), false, "2026-11-08");

        components.costReportJob().run(DAILY, api.deadline());

        assertThat(inbox.drain()).isEmpty();
        assertThat(components.notices().get(DriftNotices.key(SETTLING))).isEmpty();
    }
}
