package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.costobservatory.domain.CostRow;
import org.costobservatory.json.Json;
import org.costobservatory.local.demo.DemoOrganisation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code observatory serve --demo} in this JVM: the catch-up pull through the real client and the demo Admin API,
 * the real handler behind the loopback adapter, the dashboard in headless Chromium, and a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalServerTest {
    /** The demo's support bot, whose cache stops hitting on the 9th of every month. */
    private static final String SUPPORT_BOT_KEY = "apikey_01DemoSupportProd00000";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /**
     * The demo organisation is a pure function of the hour, so a fixed clock makes every figure the same on every
     * day of the month. A Tuesday afternoon early in the month: Priority Tier traffic is flowing, and little has been
     * spent yet, which is when rounding at the edges of the demo budgets shows.
     */
    static final Instant NOW = Instant.parse("2026-11-10T14:20:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    static Path dataDir;
    private static LocalServer server;
    private static final ByteArrayOutputStream TERMINAL = new ByteArrayOutputStream();

    @BeforeAll
    static void serveTheDemo() throws IOException {
        server = LocalServer.start(new Observatory.ServeOptions(dataDir, true, 0, Optional.empty(), Optional.empty(),
                true), Map.of(), new PrintStream(TERMINAL, true, StandardCharsets.UTF_8), CLOCK);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    static String getText(URI base, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    @Test
    @Order(1)
    void theTerminalShowsProgressTheUrlAndHowToAskForHeadroom() throws Exception {
        String terminal = TERMINAL.toString(StandardCharsets.UTF_8);
        assertThat(terminal).contains("Catching up on the month so far").contains("cost  100%")
                .contains("usage 100%").contains("Listening on " + server.url())
                .contains("no authentication on loopback").contains("/v1/headroom?budget=");
        assertThat(Files.exists(dataDir.resolve(LocalServer.SERVER_FILE))).isTrue();
        assertThat(LocalServer.runningOn(dataDir)).contains(server.url());
    }

    @Test
    @Order(2)
    void healthReportsBothWatermarksAndTheLastRuns() throws Exception {
        JsonNode health = get(server.url(), "/v1/health");
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.at("/reports/usage/stored_through").asText()).isEqualTo("2026-11-10T14:00:00Z");
        assertThat(health.at("/reports/cost/settled_through").asText()).isEqualTo("2026-11-09");
        assertThat(health.at("/reports/cost/last_success_at").asText()).isNotBlank();
        assertThat(health.at("/reports/usage/last_window/from").asText()).endsWith("-01T00:00:00Z");
    }

    /**
     * The demo bills a discount, an unlisted model and US-only inference, so its month is not its usage at list
     * price: settled days are the bill, and today's hours are priced with what the catch-up learned from the last
     * seven settled days. Its prices do not change from day to day, so what was learned is exactly what the bill
     * charges, and spend equals the bill (Priority Tier at list price, as settled spend counts it) to the cent.
     */
    @Test
    @Order(3)
    void theDemoOrganisationsMonthTotalEqualsSettledPlusProvisional() throws Exception {
        JsonNode answer = get(server.url(), "/v1/headroom?budget=org-monthly");
        Instant monthStart = Instant.parse("2026-11-01T00:00:00Z");
        Instant dataAsOf = Instant.parse(answer.get("data_as_of").asText());
        assertThat(dataAsOf).isEqualTo("2026-11-10T14:00:00Z");
        BigDecimal exact = new DemoOrganisation().billedCents(monthStart, dataAsOf).movePointLeft(2);
        assertThat(exact).isLessThan(new DemoOrganisation().totalCents(monthStart, dataAsOf).movePointLeft(2));
        assertThat(answer.at("/pricing/calibrated_models").toString()).contains(DemoOrganisation.UNLISTED)
                .contains("claude-sonnet-4-6");
        assertThat(answer.at("/pricing/unpriced_models")).isEmpty();
        assertThat(answer.get("unpriced_models")).isEmpty();
        BigDecimal expected = exact.setScale(2, RoundingMode.HALF_UP);
        assertThat(answer.get("spent_usd").decimalValue()).isEqualByComparingTo(expected);
        assertThat(answer.get("settled_usd").decimalValue().add(answer.get("provisional_usd").decimalValue()))
                .isEqualByComparingTo(expected);
        // The demo sizes org-monthly at 62 %: the limit is the spend / 0.62 rounded up to whole dollars.
        BigDecimal limit = exact.multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(62), 0,
                RoundingMode.CEILING).max(BigDecimal.TEN);
        assertThat(answer.get("limit_usd").decimalValue()).isEqualByComparingTo(limit);
        assertThat(answer.get("percent_used").decimalValue()).isEqualByComparingTo(
                expected.multiply(BigDecimal.valueOf(100)).divide(limit, 2, RoundingMode.HALF_UP));
    }

    @Test
    @Order(4)
    void theDashboardShowsTheApisNumbersInChromium() throws Exception {
        JsonNode all = get(server.url(), "/v1/headroom");
        Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
        String dom = Chromium.dumpDom(server.url().resolve("/"));
        Chromium.screenshot(server.url().resolve("/"), screenshot, 1280, 3000);

        Map<String, Map<String, String>> shown = fields(dom);
        assertThat(all.get("budgets")).hasSize(5);
        for (JsonNode budget : all.get("budgets")) {
            String name = budget.get("budget").asText();
            Map<String, String> figures = shown.get(name);
            assertThat(figures).as("the dashboard shows budget %s", name).isNotNull();
            for (String field : List.of("spent_usd", "settled_usd", "provisional_usd", "limit_usd", "remaining_usd",
                    "percent_used")) {
                assertThat(new BigDecimal(figures.get(field))).as("%s %s", name, field)
                        .isEqualByComparingTo(budget.get(field).decimalValue());
            }
            assertThat(figures.get("decision")).isEqualTo(budget.get("decision").asText());
            for (String field : List.of("forecast_usd", "forecast_low_usd", "forecast_high_usd")) {
                assertThat(budget.get(field).isNumber()).as("%s %s", name, field).isTrue();
                assertThat(new BigDecimal(figures.get(field))).as("%s %s", name, field)
                        .isEqualByComparingTo(budget.get(field).decimalValue());
            }
            if (budget.get("exhausted_at").isNull()) {
                assertThat(figures.get("exhausted_at")).isEqualTo("not this period");
            } else {
                assertThat(figures.get("exhausted_at")).isEqualTo(budget.get("exhausted_at").asText());
            }
        }
        assertThat(dom).contains("Spend by model this month").contains("Research Agents").contains("Recent alerts")
                .contains("research-opus");
        assertThat(Files.size(screenshot)).isGreaterThan(20_000);

        // the estimate-against-bill panel shows what /v1/reconciliation says of the last 14 settled days
        JsonNode reconciliation = get(server.url(), "/v1/reconciliation?from=2026-10-27&to=2026-11-09&group_by=day");
        Map<String, Map<String, String>> panel = reconciled(dom);
        assertThat(panel).hasSize(9);
        for (JsonNode day : reconciliation.get("rows")) {
            Map<String, String> inPanel = panel.get(day.get("key").asText());
            assertThat(inPanel).as("the panel shows %s", day.get("key").asText()).isNotNull();
            for (String field : List.of("billed_usd", "provisional_usd", "list_estimate_usd")) {
                assertThat(new BigDecimal(inPanel.get(field))).as("%s %s", day.get("key"), field)
                        .isEqualByComparingTo(day.get(field).decimalValue());
            }
            assertThat(new BigDecimal(inPanel.get("provisional_drift_percent")))
                    .isEqualByComparingTo(day.at("/drift_percent/provisional").decimalValue());
            assertThat(inPanel.get("client_usd")).isEqualTo("—");
        }
        assertThat(dom).contains("Estimate against the bill, last 14 settled days");
    }

    /** {day -> {field -> value}} from the elements carrying data-reconciliation and data-field. */
    static Map<String, Map<String, String>> reconciled(String dom) {
        Map<String, Map<String, String>> result = new HashMap<>();
        Matcher matcher = Pattern.compile("<span[^>]*data-reconciliation=\"([^\"]+)\"[^>]*data-field=\"([^\"]+)\""
                + "(?:[^>]*data-value=\"([^\"]+)\")?[^>]*>([^<]*)<").matcher(dom);
        while (matcher.find()) {
            String value = matcher.group(3) != null ? matcher.group(3) : matcher.group(4).trim();
            result.computeIfAbsent(matcher.group(1), k -> new HashMap<>()).put(matcher.group(2), value);
        }
        return result;
    }

    @Test
    @Order(5)
    void theDashboardShowsTheAnomaliesAndInsightsTheApiGives() throws Exception {
        // the demo's monthly incident: on the 9th the support bot's cache stopped hitting. Its key is flagged (the
        // workspace is not: its bill is the unlisted Haiku's low price, so doubling it stays under 2x the week before)
        JsonNode anomalies = get(server.url(), "/v1/anomalies?from=2026-10-27&to=2026-11-10");
        JsonNode support = null;
        for (JsonNode anomaly : anomalies.get("anomalies")) {
            if (anomaly.get("id").asText().equals(SUPPORT_BOT_KEY)) {
                support = anomaly;
            }
        }
        assertThat(support).as("an anomaly for the support bot's key: %s", anomalies).isNotNull();
        assertThat(support.get("date").asText()).isEqualTo("2026-11-09");
        assertThat(support.get("ratio").decimalValue()).isGreaterThan(BigDecimal.valueOf(2));
        assertThat(support.at("/reasons/0/kind").asText()).isEqualTo("cache_misses");
        JsonNode insights = get(server.url(), "/v1/insights?from=2026-11-03&to=2026-11-09");

        String dom = Chromium.dumpDom(server.url().resolve("/"));

        Map<String, String> anomaly = attributes(dom, "data-anomaly", "2026-11-09/api_key:" + SUPPORT_BOT_KEY);
        assertThat(new BigDecimal(anomaly.get("spent_usd"))).isEqualByComparingTo(support.get("spent_usd")
                .decimalValue());
        assertThat(dom).contains("cache misses: uncached input cost");
        Map<String, String> total = attributes(dom, "data-insight", "total");
        assertThat(new BigDecimal(total.get("total_usd"))).isEqualByComparingTo(insights.get("total_usd")
                .decimalValue());
        assertThat(new BigDecimal(total.get("previous_total_usd"))).isEqualByComparingTo(
                insights.get("previous_total_usd").decimalValue());
        assertThat(new BigDecimal(attributes(dom, "data-insight", "cache").get("hit_rate")))
                .isEqualByComparingTo(insights.at("/cache/hit_rate").decimalValue());
        JsonNode topKey = insights.at("/top/api_keys/0");
        assertThat(new BigDecimal(attributes(dom, "data-api_keys", topKey.get("key").asText()).get("spent_usd")))
                .isEqualByComparingTo(topKey.get("spent_usd").decimalValue());
        for (JsonNode whatIf : insights.get("what_if")) {
            assertThat(new BigDecimal(attributes(dom, "data-insight", whatIf.get("id").asText()).get("saving_usd")))
                    .isEqualByComparingTo(whatIf.get("saving_usd").decimalValue());
        }
        assertThat(dom).contains("What would be cheaper (estimates)");
    }

    /** {field -> value} of the elements with {@code attribute="key"}: data-value when present, else the text. */
    static Map<String, String> attributes(String dom, String attribute, String key) {
        Map<String, String> result = new HashMap<>();
        Matcher matcher = Pattern.compile("<(?:span|dd|td)[^>]*" + attribute + "=\"" + Pattern.quote(key)
                + "\"[^>]*data-field=\"([^\"]+)\"(?:[^>]*data-value=\"([^\"]+)\")?[^>]*>([^<]*)<").matcher(dom);
        while (matcher.find()) {
            result.put(matcher.group(1), matcher.group(2) != null ? matcher.group(2) : matcher.group(3).trim());
        }
        assertThat(result).as("elements with %s=%s", attribute, key).isNotEmpty();
        return result;
    }

    @Test
    @Order(6)
    void theCostReportCsvEqualsTheStoredRows() throws Exception {
        LocalDate yesterday = LocalDate.parse("2026-11-09");
        LocalDate first = yesterday.withDayOfMonth(1);
        String csv = getText(server.url(), "/v1/reports/costs?from=" + first + "&to=" + yesterday
                + "&group_by=description&format=csv");
        Map<String, BigDecimal> exported = new TreeMap<>();
        String[] lines = csv.split("\r\n");
        assertThat(lines[0]).isEqualTo("description,name,amount_usd,amount_cents");
        for (int i = 1; i < lines.length; i++) {
            List<String> cells = csvCells(lines[i]);
            exported.put(cells.get(0), new BigDecimal(cells.get(3)));
        }
        Map<String, BigDecimal> stored = new TreeMap<>();
        for (LocalDate day = first; !day.isAfter(yesterday); day = day.plusDays(1)) {
            for (CostRow row : server.runtime().components().reports().costDay(day).orElseThrow().rows()) {
                stored.merge(row.description(), row.amountCents(), BigDecimal::add);
            }
        }
        assertThat(exported.keySet()).isEqualTo(stored.keySet());
        stored.forEach((description, cents) -> assertThat(exported.get(description)).as(description)
                .isEqualByComparingTo(cents));
    }

    @Test
    @Order(7)
    void aRestartKeepsTheData() throws Exception {
        JsonNode before = get(server.url(), "/v1/headroom?budget=org-monthly");
        JsonNode budgetsBefore = get(server.url(), "/v1/budgets");
        server.close();
        assertThat(Files.exists(dataDir.resolve(LocalServer.SERVER_FILE))).isFalse();

        server = LocalServer.start(new Observatory.ServeOptions(dataDir, true, 0, Optional.empty(), Optional.empty(),
                false), Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                CLOCK);

        JsonNode after = get(server.url(), "/v1/headroom?budget=org-monthly");
        assertThat(after.get("spent_usd").decimalValue()).isEqualByComparingTo(before.get("spent_usd").decimalValue());
        assertThat(after.get("data_as_of")).isEqualTo(before.get("data_as_of"));
        assertThat(get(server.url(), "/v1/budgets")).isEqualTo(budgetsBefore);
        assertThat(get(server.url(), "/v1/alerts").get("alerts")).isNotEmpty();
    }

    @Test
    @Order(7)
    void namesStandBesideIdsInTheApiReportsTheCliAndTheDashboard() throws Exception {
        // The catch-up's cost run listed the API keys, inactive and archived ones too.
        assertThat(server.runtime().components().apiKeys().names()).containsEntry("apikey_01DemoBatchRunner0000",
                "nightly-batch-runner").containsEntry("apikey_01DemoResearchBeta000", "research-beta")
                .containsEntry("apikey_01DemoLegacyProto0000", "legacy-prototype");

        JsonNode budget = get(server.url(), "/v1/budgets/batch-runner-key");
        assertThat(budget.at("/scope_names/api_key_id").asText()).isEqualTo("nightly-batch-runner");
        JsonNode research = get(server.url(), "/v1/budgets/research-opus");
        assertThat(research.at("/scope_names/workspace_id").asText()).isEqualTo("Research Agents");

        JsonNode byKey = get(server.url(), "/v1/reports/usage?from=2026-11-01&to=2026-11-09&group_by=api_key");
        Map<String, String> names = new HashMap<>();
        byKey.path("rows").forEach(row -> names.put(row.path("key").asText(), row.path("name").asText()));
        assertThat(names).containsEntry("apikey_01DemoSupportProd00000", "support-bot-prod")
                .containsEntry("apikey_01DemoResearchBeta000", "research-beta");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new Observatory(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(), CLOCK)
                .run(new String[]{"budgets", "list", "--url", server.url().toString()});
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("API key nightly-batch-runner (apikey_01DemoBatchRunner0000)")
                .contains("workspace Research Agents (" + DemoOrganisation.RESEARCH + "), model claude-opus");

        String page = getText(server.url(), "/");
        assertThat(page).contains("data-field=\"scope\">API key nightly-batch-runner (apikey_01DemoBatchRunner0000)<");
    }

    @Test
    @Order(7)
    void theDashboardShowsMoneyWithThousandsSeparatorsAndTimesToTheSecond() throws Exception {
        JsonNode answer = get(server.url(), "/v1/headroom?budget=org-monthly");
        BigDecimal limit = answer.get("limit_usd").decimalValue();
        assertThat(limit).as("the demo's organisation budget is above $1,000").isGreaterThan(new BigDecimal("1000"));

        String page = getText(server.url(), "/");

        assertThat(page).contains("data-field=\"limit_usd\" data-value=\"" + limit.setScale(2).toPlainString()
                + "\">" + String.format(java.util.Locale.ROOT, "%,.2f", limit) + "</span>");
        assertThat(page).contains("<time datetime=\"2026-11-10T14:00:00Z\">2026-11-10 14:00:00 UTC</time>");
        Matcher times = Pattern.compile("<time datetime=\"([^\"]+)\">([^<]*)</time>").matcher(page);
        int count = 0;
        while (times.find()) {
            count++;
            assertThat(times.group(2)).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC");
            assertThat(Instant.parse(times.group(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()
                    .replace("T", " ").replace("Z", " UTC")).isEqualTo(times.group(2));
        }
        assertThat(count).as("the page's times: data as of, generated, alerts sent, runs").isGreaterThan(4);
        Matcher money = Pattern.compile("\\$(?:<span[^>]*>)?([0-9][0-9,]*\\.\\d{2})").matcher(page);
        while (money.find()) {
            assertThat(money.group(1)).as("every amount shown").matches("\\d{1,3}(,\\d{3})*\\.\\d{2}");
        }
    }

    /** {budget -> {field -> text}} from the elements carrying data-budget and data-field. */
    static Map<String, Map<String, String>> fields(String dom) {
        Map<String, Map<String, String>> result = new HashMap<>();
        Matcher matcher = Pattern.compile("<(?:span|dd)[^>]*data-budget=\"([^\"]+)\"[^>]*data-field=\"([^\"]+)\""
                + "(?:[^>]*data-value=\"([^\"]+)\")?[^>]*>([^<]*)<").matcher(dom);
        while (matcher.find()) {
            String value = matcher.group(3) != null ? matcher.group(3) : matcher.group(4).trim();
            result.computeIfAbsent(matcher.group(1), k -> new HashMap<>()).put(matcher.group(2), value);
        }
        return result;
    }

    static List<String> csvCells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    static Duration timeout() {
        return Duration.ofSeconds(90);
    }
}
