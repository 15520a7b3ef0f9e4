package org.costobservatory.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.anthropic.AdminApiException;
import org.costobservatory.anthropic.AuthenticationException;
import org.costobservatory.anthropic.PermissionException;
import org.costobservatory.budget.SpendCalculator;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.json.Json;
import org.costobservatory.local.demo.DemoBudgets;
import org.costobservatory.log.Log;
import org.costobservatory.wiring.Components;

/**
 * {@code observatory serve}: the whole product in one JVM. It opens the data directory, seeds budgets, catches up
 * on the month so far, then serves the real budget-check handler on 127.0.0.1 and runs the daily and hourly
 * schedules until closed.
 */
final class LocalServer implements AutoCloseable {
    private static final Log LOG = Log.get(LocalServer.class);
    static final String SERVER_FILE = "server.json";

    private final LocalRuntime runtime;
    private final ApiGatewayAdapter adapter;
    private final LocalSchedule schedule;
    private final Path serverFile;
    private boolean closed;

    private LocalServer(LocalRuntime runtime, ApiGatewayAdapter adapter, LocalSchedule schedule, Path serverFile) {
        this.runtime = runtime;
        this.adapter = adapter;
        this.schedule = schedule;
        this.serverFile = serverFile;
    }

    static LocalServer start(Observatory.ServeOptions options, Map<String, String> env, PrintStream out, Clock clock)
            throws IOException {
        LocalRuntime runtime = LocalRuntime.open(new LocalRuntime.Options(options.dataDir(), Optional.empty(),
                Optional.empty(), options.demo(), options.slackWebhook(), true), env, out, clock);
        try {
            Components components = runtime.components();
            out.println("Cost Observatory, local mode. Data in " + options.dataDir().toAbsolutePath()
                    + (options.demo() ? "; admin data from the simulated demo organisation." : "."));
            if (options.budgets().isPresent()) {
                for (Budget budget : BudgetsFile.read(options.budgets().get())) {
                    components.budgets().put(budget.withUpdatedAt(clock.instant()));
                }
                out.println("Budgets seeded from " + options.budgets().get());
            }
            Ingest ingest = runtime.ingest().orElseThrow();
            if (options.catchUp()) {
                catchUp(ingest, out, clock);
                // Check the pulled days once both reports are stored, as the README says.
                components.anomalyScan().run();
            }
            if (options.demo() && components.budgets().list().isEmpty()) {
                for (Budget budget : DemoBudgets.sized(new SpendCalculator(components.spend(),
                        components.watermarks()), clock.instant())) {
                    components.budgets().put(budget.withUpdatedAt(clock.instant()));
                }
                int alerts = components.budgetAlerts().run();
                out.println("Demo budgets created (" + components.budgets().list().size() + "); alerts sent: "
                        + alerts + ".");
            }
            ApiGatewayAdapter adapter = new ApiGatewayAdapter(options.port(), runtime.handler(), 16);
            LocalSchedule schedule = new LocalSchedule(ingest, clock);
            schedule.start();
            Path serverFile = options.dataDir().resolve(SERVER_FILE);
            ObjectNode info = Json.mapper().createObjectNode();
            info.put("url", adapter.baseUrl());
            info.put("pid", ProcessHandle.current().pid());
            Files.writeString(PrivateFiles.file(serverFile), info.toString(), StandardOpenOption.TRUNCATE_EXISTING);
            LocalServer server = new LocalServer(runtime, adapter, schedule, serverFile);
            out.println();
            out.println("Listening on " + adapter.baseUrl() + " (127.0.0.1 only; no authentication on loopback).");
            out.println("  Dashboard: " + adapter.baseUrl() + "/");
            out.println("  Headroom:  curl '" + adapter.baseUrl() + "/v1/headroom"
                    + firstBudget(components).map(name -> "?budget=" + name + "&estimate_usd=2.50").orElse("")
                    + "'");
            out.println("  Health:    curl " + adapter.baseUrl() + "/v1/health");
            out.println("Schedules: cost daily at 02:30 UTC, usage hourly at :10. Press Ctrl-C to stop.");
            return server;
        } catch (IOException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /**
     * The month so far, each with a progress bar: usage first, then cost, so the cost run finds every settled day's
     * usage to learn prices from, and re-prices the hours since with them.
     */
    private static void catchUp(Ingest ingest, PrintStream out, Clock clock) {
        out.println("Catching up on the month so far:");
        for (ReportKind report : List.of(ReportKind.USAGE, ReportKind.COST)) {
            try {
                IngestSummary summary = ingest.run(report, new IngestRequest.Scheduled(clock.instant()),
                        ProgressBar.forConsole(out));
                out.printf("  %s: %d %s stored, through %s%n", report.id(), summary.bucketsStored(),
                        report == ReportKind.COST ? "days" : "hours", summary.storedThrough());
            } catch (AuthenticationException | PermissionException e) {
                throw new LocalUsageException("the admin key was refused: " + e.getMessage());
            } catch (AdminApiException e) {
                out.println("  " + report.id() + ": the pull failed (" + e.getMessage() + "); serving what is stored, and "
                        + "the schedule will retry.");
                LOG.error("catch-up pull failed", e, "report", report.id());
            }
        }
    }

    private static Optional<String> firstBudget(Components components) {
        return components.budgets().list().stream().map(Budget::name).findFirst();
    }

    URI url() {
        return URI.create(adapter.baseUrl());
    }

    LocalRuntime runtime() {
        return runtime;
    }

    /** The URL of the server running on {@code dataDir}, if its file is there. */
    static Optional<URI> runningOn(Path dataDir) {
        Path file = dataDir.resolve(SERVER_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode info = Json.mapper().readTree(Files.readAllBytes(file));
            long pid = info.path("pid").asLong();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(URI.create(info.path("url").asText()));
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.deleteIfExists(serverFile);
        } catch (IOException e) {
            LOG.warn("could not remove the server file", "file", serverFile);
        }
        schedule.close();
        adapter.close();
        runtime.close();
    }
}
