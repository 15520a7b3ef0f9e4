package org.costobservatory.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.costobservatory.alert.AlertPublisher;
import org.costobservatory.api.ApiRouter;
import org.costobservatory.config.Config;
import org.costobservatory.functions.budgetcheck.BudgetCheckHandler;
import org.costobservatory.local.demo.DemoAdminApi;
import org.costobservatory.local.demo.DemoOrganisation;
import org.costobservatory.wiring.Components;
import org.costobservatory.wiring.SnsAlertPublisher;

/**
 * One machine's Cost Observatory: the store (DynamoDB Local embedded in a data directory, or a deployed stack's
 * table), the same components as the Lambdas, the jobs, and the real budget-check handler behind a router that also
 * knows the local pull routes.
 */
final class LocalRuntime implements AutoCloseable {
    /**
     * Where the store lives and where the admin data comes from.
     *
     * @param alertTopic with {@code table}: the deployed stack's SNS topic. Without it a deployed table is only
     *                   reviewed: thresholds are not evaluated, so the stack's own alerts are never claimed from here.
     */
    record Options(Path dataDir, Optional<String> table, Optional<String> alertTopic, boolean demo,
                   Optional<URI> slackWebhook, boolean needAdminKey) {
        Options {
            if (alertTopic.isPresent() && table.isEmpty()) {
                throw new LocalUsageException("--alert-topic applies only with --table (a deployed stack)");
            }
        }

        /** The webhook URL is a credential: only whether it is set is shown. */
        @Override
        public String toString() {
            return "Options[dataDir=" + dataDir + ", table=" + table.orElse("(none)") + ", alertTopic="
                    + alertTopic.orElse("(none)") + ", demo=" + demo + ", slackWebhook="
                    + (slackWebhook.isPresent() ? "(set)" : "(not set)") + ", needAdminKey=" + needAdminKey + "]";
        }
    }

    private final Components components;
    private final ApiRouter router;
    private final BudgetCheckHandler handler;
    private final Ingest ingest;
    private final EmbeddedDynamo embedded;
    private final DemoAdminApi demo;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalRuntime(Components components, Ingest ingest, EmbeddedDynamo embedded, DemoAdminApi demo,
                         FileChannel lockChannel, FileLock lock) {
        this.components = components;
        this.ingest = ingest;
        this.embedded = embedded;
        this.demo = demo;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.router = components.router(false,
                ingest == null ? List.of() : List.of(new PullRoutes(ingest)::handle));
        this.handler = new BudgetCheckHandler(router);
    }

    static LocalRuntime open(Options options, Map<String, String> environment, PrintStream console, Clock clock)
            throws IOException {
        Map<String, String> env = new HashMap<>(environment);
        DemoAdminApi demo = null;
        if (options.demo()) {
            demo = new DemoAdminApi(new DemoOrganisation(), clock, 7);
            env.put(Config.ADMIN_BASE_URL, demo.baseUrl());
            env.put(Config.ADMIN_KEY, demo.adminKey());
        } else if (options.needAdminKey() && !env.containsKey(Config.ADMIN_KEY)) {
            throw new LocalUsageException("ANTHROPIC_ADMIN_KEY is not set. Export an Anthropic Admin key "
                    + "(sk-ant-admin01-...), or run with --demo to see Cost Observatory work on a simulated "
                    + "organisation.");
        }
        FileChannel lockChannel = null;
        FileLock lock = null;
        EmbeddedDynamo embedded = null;
        if (options.table().isPresent()) {
            // The deployed table, through the AWS client factory with this environment's endpoints and region.
            env.put(Config.TABLE_NAME, options.table().get());
        } else {
            PrivateFiles.directory(options.dataDir());
            lockChannel = FileChannel.open(PrivateFiles.file(options.dataDir().resolve(".lock")),
                    StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                throw new LocalUsageException("the data directory " + options.dataDir() + " is in use by another "
                        + "observatory process");
            }
            embedded = EmbeddedDynamo.open(options.dataDir());
            env.put(Config.TABLE_NAME, EmbeddedDynamo.TABLE);
        }
        Config config = Config.fromEnv(env);
        Components.Builder builder = Components.builder(config).clock(clock);
        if (embedded != null) {
            builder.dynamo(embedded.client());
        }
        if (options.table().isPresent() && options.alertTopic().isEmpty()) {
            builder.withoutAlerts();
        } else {
            builder.alertPublisher(publisher(config, options, console, clock));
        }
        Components components = builder.build();
        Ingest ingest = env.containsKey(Config.ADMIN_KEY) || env.containsKey(Config.ADMIN_KEY_PARAMETER)
                ? new Ingest(components) : null;
        return new LocalRuntime(components, ingest, embedded, demo, lockChannel, lock);
    }

    /**
     * A deployed stack's topic when one was given; SNS when an endpoint and a topic are configured; otherwise the
     * alert log in the data directory, the console and Slack.
     */
    private static AlertPublisher publisher(Config config, Options options, PrintStream console, Clock clock) {
        if (options.alertTopic().isPresent()) {
            return SnsAlertPublisher.fromEnvironment(config.environment(), options.alertTopic().get());
        }
        String endpoint = config.environment().get("AWS_ENDPOINT_URL_SNS");
        if (endpoint != null && !endpoint.isBlank() && config.alertTopicArn().isPresent()) {
            return SnsAlertPublisher.fromEnvironment(config.environment(), config.alertTopicArn().get());
        }
        return new LocalAlertPublisher(options.dataDir().resolve("alerts.log"), console, options.slackWebhook(),
                clock);
    }

    Components components() {
        return components;
    }

    ApiRouter router() {
        return router;
    }

    BudgetCheckHandler handler() {
        return handler;
    }

    /** The jobs; present whenever an admin key (or the demo organisation) is configured. */
    Optional<Ingest> ingest() {
        return Optional.ofNullable(ingest);
    }

    Optional<DemoAdminApi> demo() {
        return Optional.ofNullable(demo);
    }

    /** Stops everything and releases the data directory; safe to call more than once (a shutdown hook may too). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (demo != null) {
            demo.close();
        }
        if (embedded != null) {
            embedded.close();
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
