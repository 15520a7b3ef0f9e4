package org.costobservatory.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.costobservatory.anthropic.AdminApiException;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.api.BudgetJson;
import org.costobservatory.config.ConfigException;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.json.Json;
import org.costobservatory.log.Log;
import org.costobservatory.log.Secrets;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The {@code observatory} command: {@code serve} runs everything on this machine; the other commands review and
 * manage a local instance (or a deployed stack's table) from the terminal.
 */
public final class Observatory {
    static final String USAGE = """
            Usage: observatory <command> [options]

              serve [--demo] [--port 8787] [--data-dir DIR] [--budgets FILE]
                  Run Cost Observatory on this machine: embedded DynamoDB in DIR (default ./.observatory), a catch-up
                  pull of the month so far, the daily and hourly schedules, and the API and dashboard on
                  http://127.0.0.1:PORT. Reads ANTHROPIC_ADMIN_KEY; --demo uses a simulated organisation instead.
                  Alerts also go to the Slack incoming webhook in OBSERVATORY_SLACK_WEBHOOK, when it is set.

              pull cost|usage --from YYYY-MM-DD --to YYYY-MM-DD
                  Backfill whole UTC days (both inclusive), with a progress bar.
              report --from YYYY-MM-DD --to YYYY-MM-DD --by day|workspace|model|description|api_key|service_tier
                  [--format table|csv|json]
                  Stored spend: the cost report, or usage at list price for --by api_key (or --source usage).
              headroom [--budget NAME] [--estimate USD] [--format text|json]
                  The pre-flight answer, with the end-of-period forecast. Exit status 0 allow/warn, 1 deny, 2 error.
              insights --from YYYY-MM-DD --to YYYY-MM-DD [--scope workspace:ID|api_key:ID|model:PREFIX]
                  [--format text|json]
                  Top API keys, workspaces and models against the previous period of equal length, the cache hit
                  rate and what misses cost, the batch share, and what-if savings (estimates). At most 31 days.
              anomalies --from YYYY-MM-DD --to YYYY-MM-DD [--kind workspace|api_key|model] [--format text|json]
                  Settled days above twice their trailing 7-day mean, each with why. At most 92 days.
              reconcile --from YYYY-MM-DD --to YYYY-MM-DD [--by day|model|token_type|workspace]
                  [--format table|csv|json]
                  Settled days: the bill against the list-price estimate, what headroom said before each day settled,
                  and imported client estimates, with the drift of each.
              import estimates FILE    client-side estimates as JSON Lines (see the README); all or nothing
              import ccusage FILE      ccusage's daily JSON report (ccusage claude daily --json --timezone UTC)
              budgets list [--format table|json]
              budgets set NAME (--limit USD --period daily|weekly|monthly | --preset ID [--seats N])
                  [--time-zone ZONE] [--workspace ID|default] [--api-key ID] [--model PREFIX]
                  [--thresholds 50,75,100] [--warn PERCENT] [--reset-notice true|false]
                  [--forecast-alert on|off]
              budgets delete NAME
              budgets seed FILE        create or replace every budget in a YAML file

              open --url API_URL [--port 8788] [--region REGION] [--no-browser]
                  The deployed API and its dashboard in your browser: serves http://127.0.0.1:PORT and forwards each
                  request to API_URL (the stack's ApiUrl output) signed with your AWS credentials (SigV4, from the
                  environment or your AWS profile). The region is read from the URL, or give --region.

            Where the other commands act, in order: --url URL (a running server), --table NAME (a deployed stack's
            DynamoDB table, AWS credentials from the environment), the server running on --data-dir, or --data-dir
            itself (default ./.observatory).

            With --table, pull and headroom only review: budget thresholds are not evaluated, so the stack's own
            alerts still go out from AWS. Add --alert-topic ARN (the stack's AlertTopicArn output) to evaluate them
            here and publish to that topic.
            """;

    /** What {@code report --by} accepts: the cost report's groupings and the usage report's. */
    static final List<String> REPORT_GROUPINGS = List.of("day", "workspace", "model", "description", "api_key",
            "service_tier");

    /** What {@code reconcile --by} accepts. */
    static final List<String> RECONCILE_GROUPINGS = List.of("day", "model", "token_type", "workspace");

    /** The API's body limit for estimates; a larger file is refused before anything is sent. */
    static final long MAX_IMPORT_FILE = 1024 * 1024;

    /** The Slack incoming webhook for local alerts: a credential, so never a command-line argument. */
    static final String SLACK_WEBHOOK = "OBSERVATORY_SLACK_WEBHOOK";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Clock clock;

    public Observatory(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.clock = clock;
    }

    public static void main(String[] args) {
        Log.setOutput(line -> System.err.println(line));
        String level = System.getenv().getOrDefault("LOG_LEVEL", "WARN").trim().toUpperCase(Locale.ROOT);
        Log.setLevel(java.util.Arrays.stream(Log.Level.values()).anyMatch(l -> l.name().equals(level))
                ? Log.Level.valueOf(level) : Log.Level.WARN);
        System.exit(new Observatory(System.out, System.err, System.getenv(), Clock.systemUTC()).run(args));
    }

    /** Runs one command and returns its exit status. {@code serve} returns only when the server stops. */
    public int run(String[] args) {
        Secrets.register(env.get("ANTHROPIC_ADMIN_KEY"));
        try {
            Arguments arguments = Arguments.parse(args);
            if (arguments.command().isEmpty() || arguments.command().get().equals("help")
                    || arguments.flag("help")) {
                out.print(USAGE);
                return arguments.command().isEmpty() ? 2 : 0;
            }
            return switch (arguments.command().get()) {
                case "serve" -> serve(arguments);
                case "pull" -> pull(arguments);
                case "report" -> report(arguments);
                case "headroom" -> headroom(arguments);
                case "budgets" -> budgets(arguments);
                case "reconcile" -> reconcile(arguments);
                case "import" -> importEstimates(arguments);
                case "open" -> open(arguments);
                case "insights" -> insights(arguments);
                case "anomalies" -> anomalies(arguments);
                default -> throw new LocalUsageException("unknown command '" + arguments.command().get()
                        + "'; run 'observatory help'");
            };
        } catch (LocalUsageException | ConfigException | IllegalArgumentException e) {
            err.println("observatory: " + Secrets.redact(e.getMessage()));
            return 2;
        } catch (AdminApiException e) {
            err.println("observatory: the Anthropic Admin API refused: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("observatory: " + Secrets.redact(e.getMessage()));
            return 1;
        }
    }

    // ------------------------------------------------------------------ serve

    private int serve(Arguments arguments) throws IOException {
        ServeOptions options = serveOptions(arguments);
        CountDownLatch stopped = new CountDownLatch(1);
        LogFile.redirect(options.dataDir().resolve("observatory.log"), err);
        try (LocalServer server = LocalServer.start(options, env, out, clock)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }));
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    ServeOptions serveOptions(Arguments arguments) {
        if (arguments.flag("slack-webhook")) {
            throw new LocalUsageException("--slack-webhook is no longer accepted: a command line is visible to every "
                    + "user of the machine (ps); set " + SLACK_WEBHOOK + " instead");
        }
        arguments.allow("demo", "port", "data-dir", "budgets", "no-catch-up");
        return new ServeOptions(dataDir(arguments), arguments.flag("demo"), arguments.integer("port", 8787),
                arguments.value("budgets").map(Path::of), slackWebhook(), !arguments.flag("no-catch-up"));
    }

    /** Named but never echoed when malformed: the URL is the credential. */
    private Optional<URI> slackWebhook() {
        String value = env.get(SLACK_WEBHOOK);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value.trim());
            if ((!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new LocalUsageException(SLACK_WEBHOOK + " is not an http(s) URL");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw new LocalUsageException(SLACK_WEBHOOK + " is not a valid URL");
        }
    }

    // ------------------------------------------------------------------ open

    private int open(Arguments arguments) throws IOException {
        OpenOptions options = openOptions(arguments);
        AwsCredentialsProvider credentials = credentials();
        CountDownLatch stopped = new CountDownLatch(1);
        try (SigningProxy proxy = SigningProxy.start(options.api(), options.region(), credentials, options.port())) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                proxy.close();
                stopped.countDown();
            }));
            out.println("Forwarding to " + options.api() + " (" + options.region() + "), each request signed with "
                    + "your AWS credentials.");
            out.println("Listening on " + proxy.url() + " (127.0.0.1 only).");
            boolean opened = options.browser() && Browser.open(proxy.url(), env);
            out.println(opened ? "Opened the dashboard in your browser." : "Open the dashboard: " + proxy.url());
            out.println("Press Ctrl-C to stop.");
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    OpenOptions openOptions(Arguments arguments) {
        arguments.allow("url", "port", "region", "no-browser");
        URI api = SigningProxy.apiUrl(arguments.value("url").orElseThrow(() -> new LocalUsageException(
                "--url API_URL is required: the stack's ApiUrl output")));
        Optional<String> fromUrl = SigningProxy.regionOf(api);
        Optional<String> given = arguments.value("region");
        if (given.isPresent() && fromUrl.isPresent() && !given.get().equals(fromUrl.get())) {
            throw new LocalUsageException("--region " + given.get() + " does not match the API's region "
                    + fromUrl.get());
        }
        String region = given.or(() -> fromUrl)
                .or(() -> Optional.ofNullable(env.get("AWS_REGION")).filter(r -> !r.isBlank()))
                .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(r -> !r.isBlank()))
                .orElseThrow(() -> new LocalUsageException("cannot tell the API's region from " + api.getHost()
                        + "; give --region"));
        if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
            throw new LocalUsageException("--region '" + region + "' is not an AWS region such as eu-west-1");
        }
        return new OpenOptions(api, region, arguments.integer("port", 8788), !arguments.flag("no-browser"));
    }

    /**
     * Keys in the environment, else the SDK's default chain (profile, SSO cache, container or instance role). Read
     * once here, so a missing or expired credential is said before anything listens.
     */
    private AwsCredentialsProvider credentials() {
        AwsCredentialsProvider provider;
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key != null && !key.isBlank() && secret != null && !secret.isBlank()) {
            String token = env.get("AWS_SESSION_TOKEN");
            provider = StaticCredentialsProvider.create(token == null || token.isBlank()
                    ? AwsBasicCredentials.create(key, secret) : AwsSessionCredentials.create(key, secret, token));
        } else {
            provider = DefaultCredentialsProvider.builder().build();
        }
        try {
            provider.resolveCredentials();
        } catch (SdkClientException e) {
            throw new LocalUsageException("no AWS credentials to sign with: " + e.getMessage());
        }
        return provider;
    }

    // ------------------------------------------------------------------ pull

    private int pull(Arguments arguments) {
        arguments.allow("from", "to", "url", "table", "alert-topic", "data-dir");
        String report = arguments.positional(0, "cost or usage");
        ReportKind kind;
        try {
            kind = ReportKind.fromId(report);
        } catch (IllegalArgumentException e) {
            throw new LocalUsageException("pull takes cost or usage, not '" + report + "'");
        }
        LocalDate from = arguments.date("from");
        LocalDate to = arguments.date("to");
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("report", report);
        body.put("from", from.toString());
        body.put("to", to.toString());
        try (Target target = target(arguments, true)) {
            CompletableFuture<ApiResponse> pull = CompletableFuture.supplyAsync(() -> target.send(
                    Target.request("POST", "/v1/pulls", body.toString().getBytes(StandardCharsets.UTF_8))));
            ProgressBar bar = ProgressBar.forConsole(out);
            while (!pull.isDone()) {
                showProgress(target, bar);
                sleep(250);
            }
            ApiResponse response = pull.join();
            JsonNode summary = json(response);
            if (response.status() != 200) {
                throw new LocalUsageException("pull failed (HTTP " + response.status() + "): "
                        + summary.at("/error/message").asText());
            }
            int total = summary.path("buckets_stored").asInt() + summary.path("buckets_kept").asInt();
            bar.update(report, total, total);
            out.printf(Locale.ROOT, "%s: stored %d %s (%,d rows) from %s to %s; stored through %s%s%n", report,
                    summary.path("buckets_stored").asInt(), kind == ReportKind.COST ? "days" : "hours",
                    summary.path("rows_stored").asLong(), summary.path("window_from").asText(),
                    summary.path("window_to").asText(), summary.path("stored_through").asText(),
                    summary.path("missing_buckets").isEmpty() ? ""
                            : "; not returned yet: " + summary.path("missing_buckets").size());
            return 0;
        }
    }

    private static void showProgress(Target target, ProgressBar bar) {
        JsonNode current = json(target.send(Target.request("GET", "/v1/pulls/current", new byte[0])));
        if (current.path("running").asBoolean() && current.path("total").asInt() > 0) {
            bar.update(current.path("report").asText(), current.path("done").asInt(), current.path("total").asInt());
        }
    }

    // ------------------------------------------------------------------ report

    private int report(Arguments arguments) {
        arguments.allow("from", "to", "by", "format", "source", "url", "table", "data-dir");
        LocalDate from = arguments.date("from");
        LocalDate to = arguments.date("to");
        String by = arguments.value("by").orElse("day");
        if (!REPORT_GROUPINGS.contains(by)) {
            throw new LocalUsageException("--by must be one of " + String.join(", ", REPORT_GROUPINGS));
        }
        // The cost report has no API-key or service-tier dimension: those groupings read the usage report.
        String sourceText = arguments.value("source").orElse(by.equals("api_key") || by.equals("service_tier")
                ? ReportKind.USAGE.id() : ReportKind.COST.id());
        ReportKind source;
        try {
            source = ReportKind.fromId(sourceText);
        } catch (IllegalArgumentException e) {
            throw new LocalUsageException("--source must be cost or usage");
        }
        String format = arguments.value("format").orElse("table");
        String path = "/v1/reports/" + (source == ReportKind.COST ? "costs" : "usage") + "?from=" + from + "&to=" + to
                + "&group_by=" + by + (format.equals("csv") ? "&format=csv" : "");
        try (Target target = target(arguments, false)) {
            ApiResponse response = target.send(Target.request("GET", path, new byte[0]));
            if (response.status() != 200) {
                throw new LocalUsageException(json(response).at("/error/message").asText());
            }
            switch (format) {
                case "csv", "json" -> out.print(response.bodyText() + (format.equals("json") ? "\n" : ""));
                case "table" -> {
                    JsonNode report = json(response);
                    List<List<String>> rows = new ArrayList<>();
                    rows.add(List.of(by, "name", source == ReportKind.COST ? "amount_usd" : "list_price_usd"));
                    for (JsonNode row : report.path("rows")) {
                        rows.add(List.of(row.path("key").asText(), row.path("name").asText(),
                                usd(row, "amount_usd")));
                    }
                    rows.add(List.of("total", "", usd(report, "total_usd")));
                    printTable(rows);
                    out.println(source == ReportKind.COST
                            ? "(cost report, settled through " + report.path("settled_through").asText("nothing") + ")"
                            : "(usage at list price; an estimate)");
                    if (!report.path("missing_days").isEmpty()) {
                        out.println("days with nothing stored: " + report.path("missing_days").size());
                    }
                }
                default -> throw new LocalUsageException("--format must be table, csv or json");
            }
            return 0;
        }
    }

    // ------------------------------------------------------------------ headroom

    private int headroom(Arguments arguments) {
        arguments.allow("budget", "estimate", "format", "url", "table", "alert-topic", "data-dir");
        StringBuilder path = new StringBuilder("/v1/headroom?estimate_usd=")
                .append(arguments.value("estimate").orElse("0"));
        arguments.value("budget").ifPresent(name -> path.append("&budget=").append(name));
        try (Target target = target(arguments, false)) {
            ApiResponse response = target.send(Target.request("GET", path.toString(), new byte[0]));
            JsonNode answer = json(response);
            if (response.status() != 200) {
                err.println("headroom: error (HTTP " + response.status() + ": " + answer.at("/error/message").asText()
                        + ")");
                return 2;
            }
            if (arguments.value("format").orElse("text").equals("json")) {
                out.println(answer.toPrettyString());
            } else {
                List<JsonNode> answers = new ArrayList<>();
                if (answer.has("budgets")) {
                    answer.path("budgets").forEach(answers::add);
                } else {
                    answers.add(answer);
                }
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("budget", "decision", "spent", "limit", "settled", "provisional", "remaining", "used",
                        "forecast (80 %)", "runs out", "basis", "data as of"));
                for (JsonNode a : answers) {
                    rows.add(List.of(a.path("budget").asText(), a.path("decision").asText()
                                    + (a.path("stale").asBoolean() ? " (stale)" : ""), usd(a, "spent_usd"),
                            usd(a, "limit_usd"), usd(a, "settled_usd"), usd(a, "provisional_usd"),
                            usd(a, "remaining_usd"), a.path("percent_used").decimalValue().setScale(2,
                                    java.math.RoundingMode.HALF_UP).toPlainString() + "%", forecast(a),
                            a.path("exhausted_at").isNull() ? "-" : a.path("exhausted_at").asText(),
                            a.path("basis").asText(), a.path("data_as_of").asText("never")));
                }
                if (answers.isEmpty()) {
                    out.println("no budgets; create one with 'observatory budgets set'");
                } else {
                    printTable(rows);
                }
            }
            String decision = answer.path("decision").asText();
            return decision.equals("deny") ? 1 : 0;
        }
    }

    // ------------------------------------------------------------------ reconcile

    private int reconcile(Arguments arguments) {
        arguments.allow("from", "to", "by", "format", "url", "table", "data-dir");
        LocalDate from = arguments.date("from");
        LocalDate to = arguments.date("to");
        String by = arguments.value("by").orElse("day");
        if (!RECONCILE_GROUPINGS.contains(by)) {
            throw new LocalUsageException("--by must be one of " + String.join(", ", RECONCILE_GROUPINGS));
        }
        String format = arguments.value("format").orElse("table");
        if (!List.of("table", "csv", "json").contains(format)) {
            throw new LocalUsageException("--format must be table, csv or json");
        }
        String path = "/v1/reconciliation?from=" + from + "&to=" + to + "&group_by=" + by
                + (format.equals("csv") ? "&format=csv" : "");
        try (Target target = target(arguments, false)) {
            ApiResponse response = checked(target.send(Target.request("GET", path, new byte[0])));
            if (!format.equals("table")) {
                out.print(response.bodyText() + (format.equals("json") ? "\n" : ""));
                return 0;
            }
            JsonNode report = json(response);
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of(by, "billed", "provisional", "drift", "list price", "drift", "client", "drift"));
            for (JsonNode row : report.path("rows")) {
                rows.add(reconciled(row, row.path("name").asText()));
            }
            rows.add(reconciled(report.path("total"), "total"));
            printTable(rows);
            out.println("(settled through " + report.path("settled_through").asText("nothing") + "; drift = (estimate"
                    + " - bill) / bill; Priority Tier is in no column, the bill has none of it)");
            if (!report.path("missing_days").isEmpty()) {
                out.println("days not settled yet: " + report.path("missing_days").size());
            }
            if (!report.path("days_without_provisional").isEmpty()) {
                out.println("settled days without a provisional figure: "
                        + report.path("days_without_provisional").size());
            }
            return 0;
        }
    }

    private static List<String> reconciled(JsonNode row, String name) {
        return List.of(name, optionalUsd(row, "billed_usd"), optionalUsd(row, "provisional_usd"),
                percent(row.at("/drift_percent/provisional")), optionalUsd(row, "list_estimate_usd"),
                percent(row.at("/drift_percent/list_estimate")), optionalUsd(row, "client_usd"),
                percent(row.at("/drift_percent/client")));
    }

    private static String optionalUsd(JsonNode node, String field) {
        return node.path(field).isNumber() ? usd(node, field) : "-";
    }

    private static String percent(JsonNode value) {
        return value.isNumber() ? value.decimalValue().toPlainString() + "%" : "-";
    }

    // ------------------------------------------------------------------ import

    private int importEstimates(Arguments arguments) throws IOException {
        arguments.allow("url", "table", "data-dir");
        String kind = arguments.positional(0, "estimates or ccusage");
        if (!kind.equals("estimates") && !kind.equals("ccusage")) {
            throw new LocalUsageException("import takes estimates or ccusage, not '" + kind + "'");
        }
        Path file = Path.of(arguments.positional(1, "the file to import"));
        if (!Files.isRegularFile(file)) {
            throw new LocalUsageException("no such file: " + file);
        }
        if (Files.size(file) > MAX_IMPORT_FILE) {
            throw new LocalUsageException(file + " is larger than " + MAX_IMPORT_FILE + " bytes; split it");
        }
        byte[] body = Files.readAllBytes(file);
        int skipped = 0;
        if (kind.equals("ccusage")) {
            CcusageReport.Converted converted = CcusageReport.toEstimateLines(body);
            body = converted.jsonLines();
            skipped = converted.skipped();
        }
        try (Target target = target(arguments, false)) {
            JsonNode stored = json(checked(target.send(Target.request("POST", "/v1/estimates", body))));
            out.printf(Locale.ROOT, "imported %d estimates (%d records) for %s to %s%s%n",
                    stored.path("stored").asInt(), stored.path("received").asInt(), stored.path("from").asText(),
                    stored.path("to").asText(), skipped > 0 ? "; skipped " + skipped + " entries of other agents or "
                            + "models" : "");
            return 0;
        }
    }

    /** "$1,234.00 ($1,100.00-$1,400.00)", or "-" without a forecast. */
    private static String forecast(JsonNode answer) {
        if (answer.path("forecast_usd").isNull() || answer.path("forecast_usd").isMissingNode()) {
            return "-";
        }
        return usd(answer, "forecast_usd") + " (" + usd(answer, "forecast_low_usd") + "-"
                + usd(answer, "forecast_high_usd") + ")";
    }

    // ------------------------------------------------------------------ insights and anomalies

    private int insights(Arguments arguments) {
        arguments.allow("from", "to", "scope", "format", "url", "table", "data-dir");
        LocalDate from = arguments.date("from");
        LocalDate to = arguments.date("to");
        StringBuilder path = new StringBuilder("/v1/insights?from=" + from + "&to=" + to);
        arguments.value("scope").ifPresent(scope -> path.append("&scope=").append(java.net.URLEncoder.encode(scope,
                StandardCharsets.UTF_8)));
        try (Target target = target(arguments, false)) {
            JsonNode report = json(checked(target.send(Target.request("GET", path.toString(), new byte[0]))));
            if (arguments.value("format").orElse("text").equals("json")) {
                out.println(report.toPrettyString());
                return 0;
            }
            out.printf(Locale.ROOT, "Insights %s to %s%s against %s to %s (usage at list price)%n%n",
                    report.path("from").asText(), report.path("to").asText(),
                    report.path("scope").isNull() ? "" : " for " + report.path("scope").asText(),
                    report.at("/previous/from").asText(), report.at("/previous/to").asText());
            out.printf(Locale.ROOT, "Spent %s (before: %s, change %s)%n", usd(report, "total_usd"),
                    usd(report, "previous_total_usd"), change(report));
            JsonNode cache = report.path("cache");
            out.printf(Locale.ROOT, "Cache hit rate %s (before: %s); uncached input cost %s, %s of it above the "
                            + "cache-read price%n", share(cache, "hit_rate"), share(cache, "previous_hit_rate"),
                    usd(cache, "uncached_input_usd"), usd(cache, "miss_premium_usd"));
            out.printf(Locale.ROOT, "Batch: %s of spend, %s of tokens%n%n", share(report.path("batch"),
                    "share_of_spend"), share(report.path("batch"), "share_of_tokens"));
            for (String ranking : List.of("api_keys", "workspaces", "models")) {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of(ranking.replace('_', ' '), "name", "spent", "before", "change"));
                for (JsonNode line : report.path("top").path(ranking)) {
                    rows.add(List.of(line.path("key").asText(), line.path("name").asText(), usd(line, "spent_usd"),
                            usd(line, "previous_usd"), change(line)));
                }
                printTable(rows);
                out.println();
            }
            out.println("What would be cheaper (estimates at list price):");
            for (JsonNode whatIf : report.path("what_if")) {
                out.printf(Locale.ROOT, "  %s: save %s%n", whatIf.path("label").asText(), usd(whatIf, "saving_usd"));
                for (JsonNode detail : whatIf.path("details")) {
                    out.printf(Locale.ROOT, "      %s as %s: %s%n", detail.path("from").asText(),
                            detail.path("to").asText(), usd(detail, "saving_usd"));
                }
                out.println("      (" + whatIf.path("assumptions").asText() + ")");
            }
            if (!report.path("missing_days").isEmpty()) {
                out.println("days with no usage stored: " + report.path("missing_days").size());
            }
            return 0;
        }
    }

    private int anomalies(Arguments arguments) {
        arguments.allow("from", "to", "kind", "format", "url", "table", "data-dir");
        LocalDate from = arguments.date("from");
        LocalDate to = arguments.date("to");
        String path = "/v1/anomalies?from=" + from + "&to=" + to + arguments.value("kind").map(k -> "&kind=" + k)
                .orElse("");
        try (Target target = target(arguments, false)) {
            JsonNode report = json(checked(target.send(Target.request("GET", path, new byte[0]))));
            if (arguments.value("format").orElse("text").equals("json")) {
                out.println(report.toPrettyString());
                return 0;
            }
            if (report.path("anomalies").isEmpty()) {
                out.println("no anomalies from " + from + " to " + to + " (" + report.path("evaluated_days").size()
                        + " settled days checked)");
                return 0;
            }
            for (JsonNode anomaly : report.path("anomalies")) {
                out.printf(Locale.ROOT, "%s  %s %s  %s (7-day mean %s%s)%n", anomaly.path("date").asText(),
                        anomaly.path("kind").asText(), anomaly.path("name").asText(), usd(anomaly, "spent_usd"),
                        usd(anomaly, "baseline_usd"), anomaly.path("ratio").isNull() ? ", new"
                                : ", " + anomaly.path("ratio").asText() + "x");
                for (JsonNode reason : anomaly.path("reasons")) {
                    out.println("    - " + reason.path("text").asText());
                }
            }
            return 0;
        }
    }

    private static String change(JsonNode node) {
        String percent = node.path("change_percent").isNull() ? "new" : node.path("change_percent").asText() + "%";
        java.math.BigDecimal usd = node.path("change_usd").decimalValue();
        return (usd.signum() >= 0 ? "+" : "") + Money.format(usd) + " (" + percent + ")";
    }

    private static String share(JsonNode node, String field) {
        return node.path(field).decimalValue().movePointRight(2).setScale(1, java.math.RoundingMode.HALF_UP)
                .toPlainString() + "%";
    }

    // ------------------------------------------------------------------ budgets

    private int budgets(Arguments arguments) throws IOException {
        String action = arguments.positional(0, "list, set, delete or seed");
        try (Target target = switch (action) {
            case "list", "set", "delete", "seed" -> {
                arguments.allow("format", "limit", "period", "time-zone", "workspace", "api-key", "model", "thresholds",
                        "warn", "preset", "seats", "reset-notice", "forecast-alert", "url", "table", "data-dir");
                yield target(arguments, false);
            }
            default -> throw new LocalUsageException("budgets takes list, set, delete or seed, not '" + action + "'");
        }) {
            switch (action) {
                case "list" -> {
                    JsonNode list = json(checked(target.send(Target.request("GET", "/v1/budgets", new byte[0]))));
                    if (arguments.value("format").orElse("table").equals("json")) {
                        out.println(list.toPrettyString());
                        return 0;
                    }
                    List<List<String>> rows = new ArrayList<>();
                    rows.add(List.of("name", "limit", "period", "time zone", "scope", "thresholds", "warn",
                            "forecast alert"));
                    for (JsonNode b : list.path("budgets")) {
                        rows.add(List.of(b.path("name").asText(), usd(b, "limit_usd"), b.path("period").asText(),
                                b.path("time_zone").asText(),
                                scope(b), b.path("thresholds_percent").toString(),
                                b.path("warn_percent").asText(),
                                b.path("forecast_alert").asBoolean(true) ? "on" : "off"));
                    }
                    printTable(rows);
                }
                case "set" -> {
                    String name = arguments.positional(1, "the budget's name");
                    ObjectNode body = budgetBody(arguments);
                    JsonNode saved = json(checked(target.send(Target.request("PUT", "/v1/budgets/" + name,
                            body.toString().getBytes(StandardCharsets.UTF_8)))));
                    out.println("saved " + saved.toString());
                }
                case "delete" -> {
                    String name = arguments.positional(1, "the budget's name");
                    checked(target.send(Target.request("DELETE", "/v1/budgets/" + name, new byte[0])));
                    out.println("deleted " + name);
                }
                default -> {
                    Path file = Path.of(arguments.positional(1, "the YAML file"));
                    for (Budget budget : BudgetsFile.read(file)) {
                        checked(target.send(Target.request("PUT", "/v1/budgets/" + budget.name(),
                                Json.mapper().writeValueAsBytes(BudgetJson.toJson(budget)))));
                        out.println("saved " + budget.name());
                    }
                }
            }
            return 0;
        }
    }

    /** "whole organisation", or the scope's fields with names beside ids: "workspace Research Agents (wrkspc_…)". */
    static String scope(JsonNode budget) {
        JsonNode scope = budget.path("scope");
        if (scope.isEmpty()) {
            return "whole organisation";
        }
        List<String> parts = new ArrayList<>();
        scope.fields().forEachRemaining(field -> {
            String label = switch (field.getKey()) {
                case "workspace_id" -> "workspace";
                case "api_key_id" -> "API key";
                default -> field.getKey();
            };
            String id = field.getValue().asText();
            String name = budget.path("scope_names").path(field.getKey()).asText("");
            parts.add(label + " " + (name.isEmpty() ? id : name.equalsIgnoreCase(id) ? name : name + " (" + id + ")"));
        });
        return String.join(", ", parts);
    }

    private static ObjectNode budgetBody(Arguments arguments) {
        ObjectNode body = Json.mapper().createObjectNode();
        arguments.value("limit").ifPresent(v -> body.put("limit_usd", decimal(v, "--limit")));
        arguments.value("period").ifPresent(v -> body.put("period", v));
        arguments.value("time-zone").ifPresent(v -> body.put("time_zone", v));
        arguments.value("preset").ifPresent(v -> body.put("preset", v));
        arguments.value("seats").ifPresent(v -> body.put("seats", Integer.parseInt(v)));
        arguments.value("warn").ifPresent(v -> body.put("warn_percent", decimal(v, "--warn")));
        arguments.value("reset-notice").ifPresent(v -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw new LocalUsageException("--reset-notice must be true or false, got '" + v + "'");
            }
            body.put("reset_notice", Boolean.parseBoolean(v));
        });
        arguments.value("forecast-alert").ifPresent(v -> body.put("forecast_alert", switch (v) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new LocalUsageException("--forecast-alert must be on or off, got '" + v + "'");
        }));
        arguments.value("thresholds").ifPresent(v -> {
            ArrayNode list = body.putArray("thresholds_percent");
            for (String part : v.split(",")) {
                list.add(decimal(part.trim(), "--thresholds"));
            }
        });
        ObjectNode scope = body.putObject("scope");
        arguments.value("workspace").ifPresent(v -> scope.put("workspace_id", v));
        arguments.value("api-key").ifPresent(v -> scope.put("api_key_id", v));
        arguments.value("model").ifPresent(v -> scope.put("model", v));
        return body;
    }

    // ------------------------------------------------------------------ helpers

    /** Decides where a command acts (see the usage text). */
    private Target target(Arguments arguments, boolean needsAdminKey) {
        if (arguments.value("url").isPresent()) {
            return new Target.Http(uri(arguments.value("url").get()));
        }
        Path dataDir = dataDir(arguments);
        if (arguments.value("table").isEmpty()) {
            Optional<URI> running = LocalServer.runningOn(dataDir);
            if (running.isPresent()) {
                Target.Http http = new Target.Http(running.get());
                if (http.answers()) {
                    return http;
                }
            }
        }
        try {
            LocalRuntime runtime = LocalRuntime.open(new LocalRuntime.Options(dataDir, arguments.value("table"),
                    arguments.value("alert-topic"), false, Optional.empty(), needsAdminKey), env, out, clock);
            return new Target.InProcess(runtime, arguments.value("table").map(t -> "table " + t)
                    .orElse("the data in " + dataDir));
        } catch (IOException e) {
            throw new LocalUsageException("cannot open " + dataDir + ": " + e.getMessage());
        }
    }

    private static Path dataDir(Arguments arguments) {
        return Path.of(arguments.value("data-dir").orElse(".observatory"));
    }

    private static ApiResponse checked(ApiResponse response) {
        if (response.status() / 100 != 2) {
            throw new LocalUsageException(json(response).at("/error/message").asText("HTTP " + response.status()));
        }
        return response;
    }

    private static JsonNode json(ApiResponse response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new LocalUsageException("the answer was not JSON (HTTP " + response.status() + ")");
        }
    }

    private static String usd(JsonNode node, String field) {
        return Money.format(node.path(field).decimalValue());
    }

    private static java.math.BigDecimal decimal(String text, String option) {
        try {
            return new java.math.BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new LocalUsageException(option + " must be a number, got '" + text + "'");
        }
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new LocalUsageException("'" + text + "' is not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new LocalUsageException("'" + text + "' is not a valid URL");
        }
    }

    private void printTable(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = rows.get(r).get(i);
                boolean number = cell.matches("-?\\$?-?[0-9.,%]+");
                line.append(i == 0 ? "" : "  ").append(number && r > 0 ? " ".repeat(widths[i] - cell.length()) + cell
                        : cell + " ".repeat(widths[i] - cell.length()));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Options of {@code open}. */
    record OpenOptions(URI api, String region, int port, boolean browser) {
    }

    /** Options of {@code serve}. */
    record ServeOptions(Path dataDir, boolean demo, int port, Optional<Path> budgets, Optional<URI> slackWebhook,
                        boolean catchUp) {
        /** The webhook URL is a credential: only whether it is set is shown. */
        @Override
        public String toString() {
            return "ServeOptions[dataDir=" + dataDir + ", demo=" + demo + ", port=" + port + ", budgets="
                    + budgets.map(Path::toString).orElse("(none)") + ", slackWebhook="
                    + (slackWebhook.isPresent() ? "(set)" : "(not set)") + ", catchUp=" + catchUp + "]";
        }
    }

    /** {@code command positional... --name value --flag}. */
    record Arguments(Optional<String> command, List<String> positionals, Map<String, String> options) {
        static Arguments parse(String[] args) {
            Optional<String> command = Optional.empty();
            List<String> positionals = new ArrayList<>();
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.startsWith("--")) {
                    String name = arg.substring(2);
                    String value = "true";
                    int equals = name.indexOf('=');
                    if (equals >= 0) {
                        value = name.substring(equals + 1);
                        name = name.substring(0, equals);
                    } else if (i + 1 < args.length && !args[i + 1].startsWith("--") && !FLAGS.contains(name)) {
                        value = args[++i];
                    }
                    options.put(name, value);
                } else if (command.isEmpty()) {
                    command = Optional.of(arg);
                } else {
                    positionals.add(arg);
                }
            }
            return new Arguments(command, positionals, options);
        }

        private static final Set<String> FLAGS = Set.of("demo", "help", "no-catch-up", "no-browser");

        void allow(String... names) {
            Set<String> allowed = Set.of(names);
            for (String name : options.keySet()) {
                if (!allowed.contains(name) && !name.equals("help")) {
                    throw new LocalUsageException("unknown option --" + name + " for '" + command.orElse("") + "'");
                }
            }
        }

        boolean flag(String name) {
            return options.containsKey(name);
        }

        Optional<String> value(String name) {
            String value = options.get(name);
            if (value != null && value.equals("true") && !FLAGS.contains(name)) {
                throw new LocalUsageException("--" + name + " needs a value");
            }
            return Optional.ofNullable(value);
        }

        int integer(String name, int fallback) {
            Optional<String> value = value(name);
            try {
                int parsed = value.map(Integer::parseInt).orElse(fallback);
                if (parsed < 0 || parsed > 65535) {
                    throw new LocalUsageException("--" + name + " must be a port number");
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new LocalUsageException("--" + name + " must be a whole number");
            }
        }

        LocalDate date(String name) {
            String text = value(name).orElseThrow(() -> new LocalUsageException("--" + name + " YYYY-MM-DD is "
                    + "required"));
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw new LocalUsageException("--" + name + " must be a date as YYYY-MM-DD, got '" + text + "'");
            }
        }

        String positional(int index, String what) {
            if (positionals.size() <= index) {
                throw new LocalUsageException("missing " + what + "; run 'observatory help'");
            }
            return positionals.get(index);
        }
    }
}
