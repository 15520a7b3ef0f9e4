package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.domain.CostRow;
import org.costobservatory.local.demo.DemoAdminApi;
import org.costobservatory.local.demo.DemoOrganisation;
import org.costobservatory.store.dynamodb.DynamoDbReportStore;
import org.costobservatory.store.dynamodb.DynamoDbWorkspaceStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI commands in-process on a data directory, with the demo Admin API as the organisation. */
class ObservatoryCliTest {
    private static final LocalDate YESTERDAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    private static final LocalDate WEEK_AGO = YESTERDAY.minusDays(6);

    @TempDir
    static Path dataDir;
    private static DemoAdminApi demo;

    record Run(int status, String out, String err) {
    }

    @BeforeAll
    static void startDemo() throws Exception {
        demo = new DemoAdminApi(new DemoOrganisation(), Clock.systemUTC(), 0);
    }

    @AfterAll
    static void stopDemo() {
        demo.close();
    }

    static Run observatory(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Observatory(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, Clock.systemUTC()).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run withKey(String... args) {
        return observatory(Map.of("ANTHROPIC_ADMIN_KEY", demo.adminKey(), "ANTHROPIC_ADMIN_BASE_URL", demo.baseUrl()),
                args);
    }

    static Run plain(String... args) {
        return observatory(Map.of(), args);
    }

    @Test
    void pullsReportsBudgetsAndHeadroomWorkOnTheDataDirectory() throws Exception {
        String dir = dataDir.toString();
        // pull a week of cost and one day of usage, with the progress shown
        Run cost = withKey("pull", "cost", "--from", WEEK_AGO.toString(), "--to", YESTERDAY.toString(), "--data-dir",
                dir);
        assertThat(cost.status()).as(cost.err()).isZero();
        assertThat(cost.out()).contains("cost  100%").contains("cost: stored 7 days");
        Run usage = withKey("pull", "usage", "--from", YESTERDAY.toString(), "--to", YESTERDAY.toString(),
                "--data-dir", dir);
        assertThat(usage.out()).contains("usage: stored 24 hours");

        // budgets: set, seed from YAML, list, delete
        assertThat(plain("budgets", "set", "team", "--limit", "100", "--period", "monthly", "--workspace", "default",
                "--data-dir", dir).status()).isZero();
        Path yaml = dataDir.resolve("budgets.yaml");
        Files.writeString(yaml, "budgets:\n  - name: pool\n    preset: agent-sdk-team\n    seats: 2\n"
                + "  - name: org\n    limit_usd: 1000000\n    period: monthly\n");
        assertThat(plain("budgets", "seed", yaml.toString(), "--data-dir", dir).out()).contains("saved pool")
                .contains("saved org");
        Run list = plain("budgets", "list", "--data-dir", dir);
        assertThat(list.out()).contains("team").contains("pool").contains("$200.00").contains("org");
        assertThat(plain("budgets", "delete", "pool", "--data-dir", dir).status()).isZero();
        assertThat(plain("budgets", "list", "--data-dir", dir).out()).doesNotContain("pool");

        // headroom: exit status 0 for allow/warn, 1 for deny, 2 for an unknown budget
        assertThat(plain("headroom", "--budget", "org", "--data-dir", dir).status()).isZero();
        Run deny = plain("headroom", "--budget", "org", "--estimate", "1000000", "--data-dir", dir);
        assertThat(deny.status()).isEqualTo(1);
        assertThat(deny.out()).contains("deny");
        assertThat(plain("headroom", "--budget", "nothing-here", "--data-dir", dir).status()).isEqualTo(2);

        // the CSV report equals the stored rows, with workspace names resolved and Default for null
        Run csv = plain("report", "--from", WEEK_AGO.toString(), "--to", YESTERDAY.toString(), "--by", "workspace",
                "--format", "csv", "--data-dir", dir);
        assertThat(csv.status()).as(csv.err()).isZero();
        assertThat(csv.out()).contains("default,Default,").contains("Support Bot").contains("Nightly Batch");
        Map<String, BigDecimal> exported = new TreeMap<>();
        for (String line : csv.out().split("\r\n")) {
            if (!line.startsWith("workspace,")) {
                String[] cells = line.split(",");
                exported.put(cells[0], new BigDecimal(cells[3]));
            }
        }
        Map<String, BigDecimal> stored = new TreeMap<>();
        try (EmbeddedDynamo dynamo = EmbeddedDynamo.open(dataDir)) {
            DynamoDbReportStore reports = new DynamoDbReportStore(dynamo.client(), EmbeddedDynamo.TABLE);
            for (LocalDate day = WEEK_AGO; !day.isAfter(YESTERDAY); day = day.plusDays(1)) {
                for (CostRow row : reports.costDay(day).orElseThrow().rows()) {
                    stored.merge(row.workspaceId(), row.amountCents(), BigDecimal::add);
                }
            }
            assertThat(new DynamoDbWorkspaceStore(dynamo.client(), EmbeddedDynamo.TABLE).names())
                    .containsEntry(DemoOrganisation.LEGACY, "Legacy Prototype");
        }
        assertThat(exported).isEqualTo(stored);

        // a table report by API key comes from usage at list price
        Run byKey = plain("report", "--from", YESTERDAY.toString(), "--to", YESTERDAY.toString(), "--by", "api_key",
                "--data-dir", dir);
        assertThat(byKey.out()).contains("apikey_01DemoBatchRunner0000").contains("(usage at list price");

        // insights of the day of usage pulled: the same total as the usage report, rankings and labelled estimates
        Run insights = plain("insights", "--from", YESTERDAY.toString(), "--to", YESTERDAY.toString(), "--data-dir",
                dir);
        assertThat(insights.status()).as(insights.err()).isZero();
        Run usageJson = plain("report", "--from", YESTERDAY.toString(), "--to", YESTERDAY.toString(), "--by",
                "model", "--source", "usage", "--format", "json", "--data-dir", dir);
        BigDecimal usageTotal = org.costobservatory.json.Json.mapper().readTree(usageJson.out()).get("total_usd")
                .decimalValue();
        assertThat(insights.out()).contains("Insights " + YESTERDAY + " to " + YESTERDAY)
                .contains("Spent " + org.costobservatory.domain.Money.format(usageTotal))
                .contains("apikey_01DemoSupportProd00000").contains("Support Bot").contains("claude-opus-4-6")
                .contains("Cache hit rate").contains("Batch:").contains("What would be cheaper (estimates")
                .contains("claude-opus-4-6 as claude-sonnet-4-6");
        Run insightsJson = plain("insights", "--from", YESTERDAY.toString(), "--to", YESTERDAY.toString(), "--scope",
                "workspace:" + DemoOrganisation.RESEARCH, "--format", "json", "--data-dir", dir);
        assertThat(org.costobservatory.json.Json.mapper().readTree(insightsJson.out()).get("scope").asText())
                .isEqualTo("workspace:" + DemoOrganisation.RESEARCH);
        Run tooLong = plain("insights", "--from", WEEK_AGO.minusDays(40).toString(), "--to", YESTERDAY.toString(),
                "--data-dir", dir);
        assertThat(tooLong.status()).isEqualTo(2);
        assertThat(tooLong.err()).contains("at most 31 days");

        // anomalies: the week pulled has no settled week before it, so nothing was checked yet
        Run anomalies = plain("anomalies", "--from", WEEK_AGO.toString(), "--to", YESTERDAY.toString(), "--data-dir",
                dir);
        assertThat(anomalies.status()).as(anomalies.err()).isZero();
        assertThat(anomalies.out()).contains("no anomalies from " + WEEK_AGO + " to " + YESTERDAY);
        assertThat(plain("anomalies", "--from", WEEK_AGO.toString(), "--to", YESTERDAY.toString(), "--kind", "team",
                "--data-dir", dir).err()).contains("kind must be workspace, api_key or model");

        // a budget's forecast warning can be turned off, and headroom shows the forecast
        assertThat(plain("budgets", "set", "quiet", "--limit", "10", "--period", "daily", "--forecast-alert", "off",
                "--data-dir", dir).out()).contains("\"forecast_alert\":false");
        assertThat(plain("budgets", "list", "--data-dir", dir).out()).contains("forecast alert");
        assertThat(plain("headroom", "--budget", "org", "--data-dir", dir).out()).contains("forecast (80 %)");
    }

    @Test
    void estimatesAreImportedAllOrNothingOnceAndReconciledAgainstTheBill() throws Exception {
        String dir = dataDir.resolve("reconcile").toString();
        String day = YESTERDAY.toString();
        assertThat(withKey("pull", "usage", "--from", day, "--to", day, "--data-dir", dir).status()).isZero();
        assertThat(withKey("pull", "cost", "--from", day, "--to", day, "--data-dir", dir).status()).isZero();

        Path lines = dataDir.resolve("estimates.jsonl");
        Files.writeString(lines, "{\"time\": \"" + day + "T10:00:00Z\", \"cost_usd\": 12.5, \"model\": "
                + "\"claude-sonnet-4-6\", \"run_id\": \"run-1\"}\n{\"time\": \"" + day + "T11:00:00Z\", "
                + "\"cost_usd\": 2.25, \"model\": \"claude-sonnet-4-6\"}\n");
        Run imported = plain("import", "estimates", lines.toString(), "--data-dir", dir);
        assertThat(imported.status()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("imported 2 estimates (2 records) for " + day + " to " + day);
        assertThat(plain("import", "estimates", lines.toString(), "--data-dir", dir).status()).isZero();

        Path bad = dataDir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"time\": \"" + day + "T10:00:00Z\", \"cost_usd\": 99, \"run_id\": \"x\"}\n"
                + "{\"time\": \"" + day + "T10:00:00Z\", \"cost_usd\": \"lots\"}\n");
        Run refused = plain("import", "estimates", bad.toString(), "--data-dir", dir);
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).contains("line 2, cost_usd: must be a number");

        Path ccusage = dataDir.resolve("ccusage-daily.json");
        Files.writeString(ccusage, "{\"daily\": [{\"date\": \"" + day + "\", \"inputTokens\": 277, "
                + "\"outputTokens\": 31456, \"cacheCreationTokens\": 512, \"cacheReadTokens\": 1024, "
                + "\"totalTokens\": 33269, \"totalCost\": 17.58, \"modelsUsed\": [\"claude-opus-4-6\", "
                + "\"gpt-5.2-codex\"], \"modelBreakdowns\": [{\"modelName\": \"claude-opus-4-6\", "
                + "\"inputTokens\": 200, \"outputTokens\": 30000, \"cacheCreationTokens\": 512, "
                + "\"cacheReadTokens\": 1024, \"cost\": 17.080000000000002}, {\"modelName\": \"gpt-5.2-codex\", "
                + "\"inputTokens\": 77, \"outputTokens\": 1456, \"cacheCreationTokens\": 0, "
                + "\"cacheReadTokens\": 0, \"cost\": 0.5}]}], \"totals\": {\"totalCost\": 17.58}}");
        Run fromCcusage = plain("import", "ccusage", ccusage.toString(), "--data-dir", dir);
        assertThat(fromCcusage.status()).as(fromCcusage.err()).isZero();
        assertThat(fromCcusage.out()).contains("imported 1 estimates").contains("skipped 1");

        Run json = plain("reconcile", "--from", day, "--to", day, "--by", "model", "--format", "json",
                "--data-dir", dir);
        assertThat(json.status()).as(json.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode report = org.costobservatory.json.Json.mapper().readTree(json.out());
        Map<String, com.fasterxml.jackson.databind.JsonNode> rows = new TreeMap<>();
        report.path("rows").forEach(row -> rows.put(row.path("key").asText(), row));
        assertThat(rows.get("claude-sonnet-4-6").path("client_usd").decimalValue()).isEqualByComparingTo("14.75");
        assertThat(rows.get("claude-opus-4-6").path("client_usd").decimalValue()).isEqualByComparingTo("17.08");
        BigDecimal billed = BigDecimal.ZERO;
        try (EmbeddedDynamo dynamo = EmbeddedDynamo.open(Path.of(dir))) {
            for (CostRow row : new DynamoDbReportStore(dynamo.client(), EmbeddedDynamo.TABLE).costDay(YESTERDAY)
                    .orElseThrow().rows()) {
                billed = billed.add(row.amountCents());
            }
        }
        assertThat(new BigDecimal(report.at("/total/billed_cents").asText())).isEqualByComparingTo(billed);
        assertThat(report.at("/total/provisional_usd").isNumber()).as("usage was stored before the day settled")
                .isTrue();

        Run table = plain("reconcile", "--from", day, "--to", day, "--by", "model", "--data-dir", dir);
        assertThat(table.out()).contains("claude-sonnet-4-6").contains("total").contains("drift = (estimate - bill)");
        assertThat(plain("reconcile", "--from", day, "--to", day, "--by", "api_key", "--data-dir", dir).err())
                .contains("--by must be one of day, model, token_type, workspace");
    }

    @Test
    void mistakesGetAClearMessageAndStatusTwo() {
        Run noKey = plain("serve", "--data-dir", dataDir.resolve("nokey").toString());
        assertThat(noKey.status()).isEqualTo(2);
        assertThat(noKey.err()).contains("ANTHROPIC_ADMIN_KEY is not set").contains("--demo");
        assertThat(plain("pull", "cost", "--to", "2026-11-01").err()).contains("--from YYYY-MM-DD is required");
        assertThat(plain("report", "--from", "yesterday", "--to", "2026-11-01").err()).contains("YYYY-MM-DD");
        assertThat(plain("launch").err()).contains("unknown command 'launch'");
        assertThat(plain("headroom", "--colour", "red").err()).contains("unknown option --colour");
        Run help = plain("help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("serve [--demo]").contains("budgets seed FILE").contains("reconcile --from")
                .contains("import ccusage FILE");
        assertThat(plain("import", "receipts", "x").err()).contains("import takes estimates or ccusage");
    }

    @Test
    void aKeyThatIsRefusedIsReportedWithoutShowingIt() {
        String wrong = "sk-ant-admin01-wrong-" + "z".repeat(30);
        Run run = observatory(Map.of("ANTHROPIC_ADMIN_KEY", wrong, "ANTHROPIC_ADMIN_BASE_URL", demo.baseUrl()), "pull",
                "cost", "--from", YESTERDAY.toString(), "--to", YESTERDAY.toString(), "--data-dir",
                dataDir.resolve("wrong").toString());
        assertThat(run.status()).isNotZero();
        assertThat(run.err()).contains("authentication_error").doesNotContain(wrong);
        assertThat(Optional.of(run.out())).get().asString().doesNotContain(wrong);
    }
}
