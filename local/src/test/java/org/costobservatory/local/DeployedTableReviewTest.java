package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.local.demo.DemoAdminApi;
import org.costobservatory.local.demo.DemoOrganisation;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.MotoServer;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Security finding F2: reviewing a deployed stack's table from a terminal ({@code --table}) must not claim the
 * stack's threshold alerts. The "stack" here is a table on DynamoDB Local and a topic on moto_server with a queue
 * subscribed, and the stack's own evaluation is its real components publishing to that topic.
 */
class DeployedTableReviewTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private DynamoDbLocal local;
    private String table;
    private AlertInbox inbox;
    private Components stack;

    @BeforeEach
    void deployAStackWhoseBudgetIsAt80Percent() {
        local = DynamoDbLocal.shared();
        table = local.newTable();
        inbox = new AlertInbox(MotoServer.shared());
        stack = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table))).dynamo(local.client()).clock(CLOCK)
                .alertPublisher(inbox.publisher()).build();
        LocalDate day = LocalDate.parse("2026-11-20");
        stack.reports().replaceCostDay(new CostDay(day, List.of(new CostRow(day, null, "Claude Opus 4.6 Usage - "
                + "Output Tokens", "tokens", "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD",
                new BigDecimal("8000")))), RunInfo.manual(ReportKind.COST, NOW));
        stack.watermarks().advance(ReportKind.COST, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"));
        stack.watermarks().advance(ReportKind.USAGE, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-24T10:00:00Z"));
        stack.budgets().put(new Budget("team", new BigDecimal("100"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(),
                Optional.empty(), Optional.empty()));
    }

    @AfterEach
    void tearDown() {
        inbox.close();
    }

    @Test
    void aReviewOfTheDeployedTableLeavesTheStacksAlertToTheStack() {
        Run review = observatory(awsEnvironment(), "headroom", "--table", table, "--budget", "team");

        assertThat(review.status()).as(review.err()).isZero();
        assertThat(review.out()).contains("team").contains("80.00%");
        assertThat(stack.alerts().list(Optional.empty())).as("nothing claimed by the review").isEmpty();
        assertThat(stack.notices().list("forecast#")).as("no notice claimed by the review").isEmpty();
        assertThat(inbox.drain()).as("the review published nothing").isEmpty();

        // The stack's own next ingest run still sends the threshold alert, and the forecast warning ($80 by the
        // 24th runs to over $100 by the 30th).
        assertThat(stack.budgetAlerts().run()).isEqualTo(2);
        List<JsonNode> delivered = inbox.drain();
        assertThat(delivered).extracting(envelope -> envelope.path("Subject").asText())
                .anyMatch(subject -> subject.contains("team at 75%"))
                .anyMatch(subject -> subject.contains("team forecast"));
    }

    @Test
    void aReviewGivenTheStacksTopicSendsTheAlertThereExactlyOnce() {
        Map<String, String> env = awsEnvironment();
        env.put("AWS_ENDPOINT_URL_SNS", MotoServer.shared().endpoint().toString());

        Run review = observatory(env, "headroom", "--table", table, "--alert-topic", inbox.topicArn());

        assertThat(review.status()).as(review.err()).isZero();
        List<JsonNode> delivered = inbox.drain();
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).path("Subject").asText()).contains("team at 75%");
        // The threshold alert is not sent again; the forecast warning is the ingest run's to send.
        assertThat(stack.budgetAlerts().run()).as("only the forecast warning is left to the stack").isEqualTo(1);
        assertThat(inbox.drain()).extracting(envelope -> envelope.path("Subject").asText())
                .singleElement().asString().contains("team forecast");
    }

    @Test
    void aPullIntoTheDeployedTableEvaluatesNoThresholds() throws Exception {
        try (DemoAdminApi demo = new DemoAdminApi(new DemoOrganisation(), CLOCK, 0)) {
            Map<String, String> env = awsEnvironment();
            env.put("ANTHROPIC_ADMIN_KEY", demo.adminKey());
            env.put("ANTHROPIC_ADMIN_BASE_URL", demo.baseUrl());

            Run pull = observatory(env, "pull", "cost", "--table", table, "--from", "2026-11-21", "--to",
                    "2026-11-23");

            assertThat(pull.status()).as(pull.err()).isZero();
            assertThat(pull.out()).contains("cost: stored 3 days");
        }
        assertThat(stack.alerts().list(Optional.empty())).as("nothing claimed by the pull").isEmpty();
        assertThat(inbox.drain()).isEmpty();
        assertThat(stack.budgetAlerts().run()).as("the stack still alerts on what was pulled").isEqualTo(1);
        assertThat(inbox.drain()).hasSize(1);
    }

    @Test
    void aTopicWithoutATableIsRefused() {
        Run run = observatory(awsEnvironment(), "headroom", "--alert-topic", inbox.topicArn());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--alert-topic applies only with --table");
    }

    private Map<String, String> awsEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ENDPOINT_URL_DYNAMODB", local.endpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    record Run(int status, String out, String err) {
    }

    private static Run observatory(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Observatory(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, CLOCK).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
