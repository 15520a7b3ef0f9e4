package org.costobservatory.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.costobservatory.anthropic.AdminReports;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.api.ApiRouter;
import org.costobservatory.budget.SpendCalculator;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestInvocation;
import org.costobservatory.json.Json;
import org.costobservatory.local.demo.DemoAdminApi;
import org.costobservatory.local.demo.DemoBudgets;
import org.costobservatory.local.demo.DemoOrganisation;
import org.costobservatory.log.Log;
import org.costobservatory.metrics.EmfMetrics;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * What a day of steady operation consumes, in the units AWS bills: DynamoDB read and write request units (each call
 * asks for {@code ReturnConsumedCapacity: TOTAL}, see {@link CapacityMeter}), Lambda invocations and their
 * durations, bytes of log lines and of CloudWatch metric documents (embedded metric format, which CloudWatch Logs
 * ingests like any log line), and SNS publishes. It runs the real jobs as the template schedules them (usage at
 * hh:10 every hour, cost at 02:30 every day, the default lookbacks) through {@link IngestInvocation}, as the
 * functions do, on DynamoDB Local:
 * <ul>
 *   <li>the demo organisation behind its Admin API stand-in, through the real client, as local mode runs it, with
 *       the demo budgets;</li>
 *   <li>a synthetic organisation of {@code rows / 5} API keys ({@link SyntheticOrganisation}), with one budget per
 *       ten keys (the organisation, each workspace, then single keys).</li>
 * </ul>
 * The month is run from its first day (budgets read the month's rollups, so reads grow with the day of the month;
 * the days measured have the middle of the month as their mean), the early days faster with one usage run a day,
 * the last warm-up days on the schedule, so watermarks, learned prices and budgets are in their steady state; then
 * each measured day is printed, followed by what 1,000 headroom checks and a hold with its release cost through
 * {@link Components#router(boolean)}. Durations on DynamoDB Local stand in for Lambda's against DynamoDB. Run with
 * {@code scripts/bench-units.sh [days] [rows-per-hour] [scheduled-warm-up-days] [both|demo|synthetic]}; this
 * prints figures, it is not a test.
 */
public final class UnitsBenchmark {
    /** History starts on the first of the month, so budgets read as many days of rollups as on the days measured. */
    private static final LocalDate FIRST_WARM_UP_DAY = LocalDate.parse("2026-11-01");
    /** The first day measured by default: four days from here have the month's middle as their mean. */
    private static final LocalDate FIRST_MEASURED_DAY = LocalDate.parse("2026-11-14");
    private static final int CHECKS = 1_000;
    private static final int HOLDS = 200;

    /** The non-DynamoDB figures of one phase. */
    private static final class Usage {
        final LongAdder invocations = new LongAdder();
        final LongAdder billedMs = new LongAdder();
        final LongAdder logBytes = new LongAdder();
        final LongAdder logLines = new LongAdder();
        final LongAdder metricBytes = new LongAdder();
        final LongAdder metricDocuments = new LongAdder();
        final LongAdder publishes = new LongAdder();
    }

    private static final CapacityMeter METER = CapacityMeter.forDynamoDbLocal();
    private static final Map<String, Usage> USAGE = new ConcurrentHashMap<>();
    private static volatile String phase = "setup";

    private UnitsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int rowsPerHour = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String which = args.length > 3 ? args[3] : "both";
        // The production level (the template sets none, so INFO); lines are counted, not printed.
        Log.setLevel(Log.Level.INFO);
        Log.setOutput(line -> { });
        Log.addSink(line -> {
            Usage usage = usage();
            usage.logBytes.add(line.getBytes(StandardCharsets.UTF_8).length + 1L);
            usage.logLines.increment();
        });
        System.out.printf(Locale.ROOT, "Cost Observatory units benchmark: history from %s (a day's usage in one run "
                + "until %d days before %s), then %d measured days on the template's schedules; DynamoDB Local, "
                + "ReturnConsumedCapacity TOTAL (write transactions counted double, as DynamoDB bills them and Local "
                + "does not), log level INFO%n", FIRST_WARM_UP_DAY, warmUp, FIRST_MEASURED_DAY, days);
        long began = System.nanoTime();
        try (DynamoDbLocal local = DynamoDbLocal.privateInstance()) {
            if (!"synthetic".equals(which)) {
                MutableClock demoClock = new MutableClock(FIRST_WARM_UP_DAY.atStartOfDay(ZoneOffset.UTC).toInstant());
                try (DemoAdminApi demo = new DemoAdminApi(new DemoOrganisation(), demoClock, 0)) {
                    Components components = components(local, demoClock, Map.of(Config.ADMIN_BASE_URL,
                            demo.baseUrl(), Config.ADMIN_KEY, demo.adminKey()), null);
                    run("Demo organisation (6 API keys, 4 workspaces, about 9 usage rows an hour), the demo budgets",
                            "demo", components, demoClock, warmUp, days, c -> DemoBudgets.sized(
                                    new SpendCalculator(c.spend(), c.watermarks()), demoClock.instant()));
                }
            }
            if ("demo".equals(which)) {
                return;
            }
            int keys = Math.max(1, rowsPerHour / 5);
            MutableClock clock = new MutableClock(FIRST_WARM_UP_DAY.atStartOfDay(ZoneOffset.UTC).toInstant());
            SyntheticOrganisation synthetic = new SyntheticOrganisation(keys, clock);
            Components components = components(local, clock, Map.of(), synthetic);
            int budgets = Math.max(5, keys / 10);
            run(String.format(Locale.ROOT, "Synthetic organisation (%d API keys, %d workspaces, %,d usage rows an "
                            + "hour), %d budgets", keys, synthetic.workspaceCount(), keys * 5, budgets),
                    "synthetic", components, clock, warmUp, days, c -> syntheticBudgets(c, clock.instant(), keys,
                            synthetic.workspaceCount(), budgets));
        }
        System.out.printf(Locale.ROOT, "%nRan in %.1f s%n", (System.nanoTime() - began) / 1e9);
    }

    private static Components components(DynamoDbLocal local, MutableClock clock, Map<String, String> extra,
                                         AdminReports reports) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("TABLE_NAME", local.newTable());
        Config config = Config.fromEnv(env);
        Consumer<String> metricLines = line -> {
            Usage usage = usage();
            usage.metricBytes.add(line.getBytes(StandardCharsets.UTF_8).length + 1L);
            usage.metricDocuments.increment();
        };
        Components.Builder builder = Components.builder(config).dynamo(local.client(METER)).clock(clock)
                .metrics(new EmfMetrics("CostObservatory/bench", metricLines).prime())
                .alertPublisher(message -> {
                    usage().publishes.increment();
                    return "counted";
                });
        if (reports != null) {
            builder.adminReports(() -> reports);
        }
        return builder.build();
    }

    private static Usage usage() {
        return USAGE.computeIfAbsent(phase, p -> new Usage());
    }

    private static void phase(String name) {
        phase = name;
        METER.phase(name);
    }

    private static void run(String title, String org, Components components, MutableClock clock, int warmUp,
                            int days, java.util.function.Function<Components, List<Budget>> budgets)
            throws Exception {
        System.out.printf(Locale.ROOT, "%n%s%n", title);
        Instant mark = FIRST_WARM_UP_DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
        components.watermarks().advance(ReportKind.USAGE, mark, mark);
        components.watermarks().advance(ReportKind.COST, mark, mark);
        IngestInvocation usageRun = invocation(components, ReportKind.USAGE);
        IngestInvocation costRun = invocation(components, ReportKind.COST);
        LocalDate firstMeasured = FIRST_MEASURED_DAY;
        LocalDate scheduled = firstMeasured.minusDays(warmUp);
        int total = (int) (firstMeasured.toEpochDay() - FIRST_WARM_UP_DAY.toEpochDay()) + days;
        System.out.printf(Locale.ROOT, "%-10s %-6s %5s %10s %10s %7s %6s %10s %10s %9s %11s %5s%n", "day", "run",
                "runs", "read RU", "write RU", "calls", "failed", "run ms", "log B", "log lines", "metric B",
                "SNS");
        List<String> measured = new ArrayList<>();
        long grownFrom = 0;
        for (int d = 0; d < total; d++) {
            LocalDate day = FIRST_WARM_UP_DAY.plusDays(d);
            boolean counted = !day.isBefore(firstMeasured);
            String tag = counted ? org + "/" + day : org + "/warm-up";
            if (day.isBefore(scheduled)) {
                // Catching up faster: the cost run, then the day's usage in one run (the history is the same).
                Instant costAt = day.atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofMinutes(150));
                invoke(costRun, clock, costAt, tag + "/cost", Duration.ofSeconds(900));
                invoke(usageRun, clock, costAt.plus(Duration.ofHours(21)).minus(Duration.ofMinutes(20)),
                        tag + "/usage", Duration.ofSeconds(600));
            }
            for (int hour = 0; hour < 24 && !day.isBefore(scheduled); hour++) {
                Instant usageAt = day.atStartOfDay(ZoneOffset.UTC).toInstant()
                        .plus(Duration.ofMinutes(hour * 60L + 10));
                invoke(usageRun, clock, usageAt, tag + "/usage", Duration.ofSeconds(600));
                if (hour == 2) {
                    invoke(costRun, clock, usageAt.plus(Duration.ofMinutes(20)), tag + "/cost",
                            Duration.ofSeconds(900));
                }
            }
            if (d == 0) {
                // Budgets appear after the first day, sized against the spend stored so far, as the demo's are.
                phase("setup");
                for (Budget budget : budgets.apply(components)) {
                    components.budgets().put(budget.withUpdatedAt(clock.instant()));
                }
            }
            if (day.equals(firstMeasured.minusDays(1))) {
                grownFrom = storedBytes(components);
            }
            if (counted) {
                measured.add(day.toString());
                for (String run : List.of("cost", "usage")) {
                    row(day.toString(), run, tag + "/" + run);
                }
            }
        }
        for (String run : List.of("cost", "usage")) {
            mean(run, org, measured, run);
        }
        long stored = storedBytes(components);
        System.out.printf(Locale.ROOT, "Table after %d days: %,d billable bytes (each item's size as DynamoDB "
                + "counts it, plus 100 bytes an item); %,d bytes more per measured day%n", total, stored,
                (stored - grownFrom) / days);
        // Just after the last usage run of the last measured day, so the answers are fresh, as in steady use.
        Instant evening = firstMeasured.plusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant()
                .minus(Duration.ofMinutes(25));
        clock.set(evening);
        headroom(components, org, evening);
        holds(components, org);
    }

    private static IngestInvocation invocation(Components components, ReportKind report) {
        return new IngestInvocation(report, components.ingestJob(report), components.clock(),
                components.config().deadlineMargin(), components.metrics(), components.watermarks());
    }

    private static void invoke(IngestInvocation invocation, MutableClock clock, Instant at, String name,
                               Duration timeout) throws Exception {
        clock.set(at);
        phase(name);
        byte[] event = ("{\"scheduled_time\": \"" + at + "\"}").getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        invocation.handle(new ByteArrayInputStream(event), new ByteArrayOutputStream(), timeout);
        record(name, System.nanoTime() - start);
        phase("idle");
    }

    private static void record(String name, long nanos) {
        Usage usage = USAGE.computeIfAbsent(name, p -> new Usage());
        usage.invocations.increment();
        usage.billedMs.add((nanos + 999_999) / 1_000_000);   // Lambda bills each invocation by the millisecond, up
    }

    private static void headroom(Components components, String org, Instant now) {
        ApiRouter router = components.router(false);
        List<String> names = components.budgets().list().stream().map(Budget::name).toList();
        String name = org + "/headroom";
        // A first pass loads classes; it is not counted.
        phase("warm-up");
        for (int i = 0; i < 50; i++) {
            check(router, names.get(i % names.size()));
        }
        phase(name);
        long[] nanos = new long[CHECKS];
        for (int i = 0; i < CHECKS; i++) {
            long start = System.nanoTime();
            check(router, names.get(i % names.size()));
            nanos[i] = System.nanoTime() - start;
            record(name, nanos[i]);
        }
        phase("idle");
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%nPer 1,000 headroom checks (GET /v1/headroom with estimate_usd, %d budgets "
                + "in turn, at %s):%n", names.size(), now);
        totals(name, 1000.0 / CHECKS, "  ");
        System.out.printf(Locale.ROOT, "  duration per check: p50 %.2f ms, p99 %.2f ms%n", nanos[CHECKS / 2] / 1e6,
                nanos[CHECKS * 99 / 100] / 1e6);
    }

    private static String decision(ApiRouter router, String budget) {
        ApiResponse response = router.handle(new ApiRequest("GET", "/v1/headroom",
                "budget=" + budget + "&estimate_usd=2.50", Map.of(), null, Optional.empty()));
        try {
            return Json.mapper().readTree(response.body()).path("decision").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(ApiRouter router, String budget) {
        ApiResponse response = router.handle(new ApiRequest("GET", "/v1/headroom",
                "budget=" + budget + "&estimate_usd=2.50", Map.of(), null, Optional.empty()));
        if (response.status() != 200) {
            throw new IllegalStateException("headroom answered " + response.status() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    private static void holds(Components components, String org) throws Exception {
        ApiRouter router = components.router(false);
        // A budget with room: a refused hold writes nothing, which is not what a hold costs.
        String budget = components.budgets().list().stream().map(Budget::name)
                .filter(name -> decision(router, name).equals("allow")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no budget allows a hold of $2.50"));
        String name = org + "/holds";
        for (int i = -20; i < HOLDS; i++) {
            phase(i < 0 ? "warm-up" : name);
            long start = System.nanoTime();
            ApiResponse created = router.handle(new ApiRequest("POST", "/v1/holds", "",
                    Map.of("content-type", "application/json"), ("{\"budget\": \"" + budget
                    + "\", \"estimate_usd\": 2.50, \"run_id\": \"bench-" + org + "-" + i + "\"}")
                    .getBytes(StandardCharsets.UTF_8), Optional.empty()));
            if (created.status() != 201 && created.status() != 200) {
                throw new IllegalStateException("hold answered " + created.status() + ": "
                        + new String(created.body(), StandardCharsets.UTF_8));
            }
            long held = System.nanoTime();
            JsonNode hold = Json.mapper().readTree(created.body());
            ApiResponse released = router.handle(new ApiRequest("DELETE", "/v1/holds/" + hold.get("hold_id")
                    .asText(), "", Map.of(), null, Optional.empty()));
            if (released.status() != 204) {
                throw new IllegalStateException("release answered " + released.status());
            }
            if (i >= 0) {
                record(name, held - start);
                record(name, System.nanoTime() - held);
            }
        }
        phase("idle");
        System.out.printf(Locale.ROOT, "Per hold + release (POST /v1/holds, DELETE /v1/holds/{id}; mean of %d):%n",
                HOLDS);
        totals(name, 1.0 / HOLDS, "  ");
    }

    /** Prints one phase's figures scaled by {@code factor}. */
    private static void totals(String name, double factor, String indent) {
        CapacityMeter.Totals db = METER.totals(name);
        Usage usage = USAGE.computeIfAbsent(name, p -> new Usage());
        System.out.printf(Locale.ROOT, "%sDynamoDB: %.1f read RU, %.1f write RU (%.1f of them in transactions) in "
                        + "%.1f calls (%.1f refused or failed, %.1f without a figure)%n", indent,
                db.read.sum() * factor,
                db.write.sum() * factor, db.transactionalWrite.sum() * factor, db.calls.sum() * factor,
                db.failedCalls.sum() * factor, db.unmetered.sum() * factor);
        System.out.printf(Locale.ROOT, "%sLambda: %.1f invocations, %.1f ms billed in all%n", indent,
                usage.invocations.sum() * factor, usage.billedMs.sum() * factor);
        System.out.printf(Locale.ROOT, "%sLogs: %.0f bytes in %.1f lines; metrics: %.0f bytes in %.1f documents; "
                        + "SNS: %.1f publishes%n", indent, usage.logBytes.sum() * factor, usage.logLines.sum() * factor,
                usage.metricBytes.sum() * factor, usage.metricDocuments.sum() * factor,
                usage.publishes.sum() * factor);
    }

    private static void row(String day, String run, String name) {
        CapacityMeter.Totals db = METER.totals(name);
        Usage usage = USAGE.computeIfAbsent(name, p -> new Usage());
        System.out.printf(Locale.ROOT, "%-10s %-6s %5d %10.1f %10.1f %7d %6d %10d %10d %9d %11d %5d%n", day, run,
                usage.invocations.sum(), db.read.sum(), db.write.sum(), db.calls.sum(), db.failedCalls.sum(),
                usage.billedMs.sum(), usage.logBytes.sum(), usage.logLines.sum(), usage.metricBytes.sum(),
                usage.publishes.sum());
        if (db.unmetered.sum() > 0) {
            System.out.printf(Locale.ROOT, "  (%d calls returned no consumed capacity)%n", db.unmetered.sum());
        }
    }

    private static void mean(String label, String org, List<String> days, String run) {
        double read = 0;
        double write = 0;
        double calls = 0;
        double failed = 0;
        double runs = 0;
        double ms = 0;
        double log = 0;
        double lines = 0;
        double metric = 0;
        double sns = 0;
        for (String day : days) {
            String name = org + "/" + day + "/" + run;
            CapacityMeter.Totals db = METER.totals(name);
            Usage usage = USAGE.computeIfAbsent(name, p -> new Usage());
            read += db.read.sum();
            write += db.write.sum();
            calls += db.calls.sum();
            failed += db.failedCalls.sum();
            runs += usage.invocations.sum();
            ms += usage.billedMs.sum();
            log += usage.logBytes.sum();
            lines += usage.logLines.sum();
            metric += usage.metricBytes.sum();
            sns += usage.publishes.sum();
        }
        int n = days.size();
        System.out.printf(Locale.ROOT, "%-10s %-6s %5.0f %10.1f %10.1f %7.0f %6.0f %10.0f %10.0f %9.0f %11.0f %5.1f%n",
                "mean/day", label, runs / n, read / n, write / n, calls / n, failed / n, ms / n, log / n, lines / n,
                metric / n, sns / n);
    }

    /** What DynamoDB bills as stored: each item's attribute names and values, plus 100 bytes of overhead an item. */
    private static long storedBytes(Components components) {
        phase("storage");
        long bytes = 0;
        // Small pages: DynamoDB Local answers a 1 MB page of a large table slowly enough to look like a hang.
        for (ScanResponse page : components.dynamo().scanPaginator(b -> b.tableName(
                components.config().tableName()).limit(500))) {
            for (Map<String, AttributeValue> item : page.items()) {
                bytes += 100;
                for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
                    bytes += utf8(attribute.getKey()) + size(attribute.getValue());
                }
            }
        }
        phase("idle");
        return bytes;
    }

    private static long size(AttributeValue value) {
        return switch (value.type()) {
            case S -> utf8(value.s());
            case N -> value.n().length() / 2 + 1;
            case B -> value.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case SS -> value.ss().stream().mapToLong(UnitsBenchmark::utf8).sum();
            case NS -> value.ns().stream().mapToLong(n -> n.length() / 2 + 1).sum();
            case BS -> value.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
            case L -> 3 + value.l().stream().mapToLong(v -> 1 + size(v)).sum();
            case M -> 3 + value.m().entrySet().stream().mapToLong(e -> 1 + utf8(e.getKey()) + size(e.getValue()))
                    .sum();
            default -> 0;
        };
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The organisation, each workspace, then single keys, up to {@code count}; limits at about 40 % a month. */
    private static List<Budget> syntheticBudgets(Components components, Instant now, int keys, int workspaces,
                                                 int count) {
        SpendCalculator calculator = new SpendCalculator(components.spend(), components.watermarks());
        List<Budget> budgets = new ArrayList<>();
        budgets.add(budget(calculator, now, "org-monthly", BudgetScope.ORGANISATION));
        for (int w = 0; w < workspaces && budgets.size() < count; w++) {
            budgets.add(budget(calculator, now, "workspace-" + w, new BudgetScope(
                    Optional.of(SyntheticOrganisation.workspace(w)), Optional.empty(), Optional.empty())));
        }
        for (int k = 0; k < keys && budgets.size() < count; k++) {
            budgets.add(budget(calculator, now, "key-" + k, new BudgetScope(Optional.empty(),
                    Optional.of(SyntheticOrganisation.apiKey(k)), Optional.empty())));
        }
        return budgets;
    }

    private static Budget budget(SpendCalculator calculator, Instant now, String name, BudgetScope scope) {
        Budget probe = new Budget(name, BigDecimal.ONE, BudgetPeriod.MONTHLY, ZoneId.of("UTC"), scope,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
        // The spend so far is one day's; a month of it at 40 % of the limit.
        BigDecimal day = Money.centsToUsd(calculator.spend(probe, now).totalCents());
        BigDecimal limit = day.multiply(BigDecimal.valueOf(75)).setScale(0, RoundingMode.CEILING).max(BigDecimal.TEN);
        return new Budget(name, limit, BudgetPeriod.MONTHLY, ZoneId.of("UTC"), scope, Budget.DEFAULT_THRESHOLDS,
                Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
