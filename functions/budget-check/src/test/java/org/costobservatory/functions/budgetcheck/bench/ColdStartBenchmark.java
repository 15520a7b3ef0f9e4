package org.costobservatory.functions.budgetcheck.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;

/**
 * The budget-check function packaged as SAM packages it (its classes plus runtime jars in {@code lib/}), run under the
 * real AWS Lambda runtime interface client in a fresh JVM, against a Runtime API stand-in and DynamoDB Local. Prints
 * the package size, the init time, and the first and warm invokes, without priming and with it (what SnapStart does
 * before its snapshot, emulated here with {@code PRIME_ON_INIT=true}). Run with
 * {@code scripts/bench-coldstart.sh [package-dir] [warm-invokes]}; a measurement, not a test.
 */
public final class ColdStartBenchmark {
    private static final Instant NOW = Instant.now();
    private static final String HANDLER = "org.costobservatory.functions.budgetcheck.BudgetCheckHandler::handleRequest";
    private static final List<String> RIC_JARS = List.of("aws-lambda-java-runtime-interface-client",
            "aws-lambda-java-serialization", "aws-lambda-java-core");

    public static void main(String[] args) throws Exception {
        // The stand-in answers with small writes; without TCP_NODELAY, Nagle's algorithm and the client's delayed
        // acknowledgements add tens of milliseconds to every invoke that are Lambda's transport, not the function.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path packageDir = Path.of(args[0]);
        Path zip = Path.of(args[1]);
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;

        DynamoDbLocal local = DynamoDbLocal.shared();
        String table = local.newTable();
        seed(local, table);
        String event = Files.readString(Path.of("events/headroom.json"));

        System.out.printf(Locale.ROOT, "Cost Observatory budget-check cold start under the Lambda runtime interface "
                + "client%npackage: %s, %,d bytes zipped = %.2f MB as Lambda's quotas count (1 MB = 1,048,576 bytes; "
                + "%.2f decimal MB), %d jars%n%n", zip, Files.size(zip), Files.size(zip) / 1048576.0,
                Files.size(zip) / 1e6, countJars(packageDir));
        System.out.printf(Locale.ROOT, "%-16s %5s %10s %12s %12s %12s %10s%n", "", "round", "init ms", "1st invoke",
                "warm p50 ms", "warm max ms", "1st/warm");
        for (boolean prime : new boolean[] {false, true}) {
            List<double[]> results = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double[] r = run(packageDir, local, table, event, warm, prime);
                results.add(r);
                System.out.printf(Locale.ROOT, "%-16s %5d %10.0f %12.1f %12.1f %12.1f %10.1f%n",
                        prime ? "primed" : "not primed", round, r[0], r[1], r[2], r[3], r[1] / r[2]);
            }
            System.out.printf(Locale.ROOT, "%-16s %5s %10.0f %12.1f %12.1f %12s %10.1f%n%n", "", "median",
                    median(results, 0), median(results, 1), median(results, 2), "",
                    median(results, 1) / median(results, 2));
        }
        System.exit(0);
    }

    /** @return init ms, first invoke ms, warm p50 ms, warm max ms */
    private static double[] run(Path packageDir, DynamoDbLocal local, String table, String event, int warm,
                                boolean prime) throws Exception {
        try (RuntimeApi api = RuntimeApi.start()) {
            List<String> command = List.of(javaBin(), "-XX:+UseSerialGC", "-Xshare:auto",
                    "-cp", classpath(packageDir), "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                    HANDLER);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> env = builder.environment();
            env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.port());
            env.put("AWS_LAMBDA_FUNCTION_NAME", "budget-check-bench");
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
            env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "bench");
            env.put("AWS_SECRET_ACCESS_KEY", "bench");
            env.put("AWS_ENDPOINT_URL_DYNAMODB", local.endpoint().toString());
            env.put("TABLE_NAME", table);
            env.put("ALERT_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:bench");
            env.put("LOG_LEVEL", "WARN");
            env.put("PRIME_ON_INIT", Boolean.toString(prime));
            long started = System.nanoTime();
            Process process = builder.start();
            try {
                api.awaitFirstPoll(Duration.ofMinutes(2));
                double init = (System.nanoTime() - started) / 1e6;
                double first = api.invoke(event, Duration.ofMinutes(1));
                double[] warmTimes = new double[warm];
                for (int i = 0; i < warm; i++) {
                    warmTimes[i] = api.invoke(event, Duration.ofMinutes(1));
                }
                Arrays.sort(warmTimes);
                return new double[] {init, first, warmTimes[warm / 2], warmTimes[warm - 1]};
            } finally {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The package's classes and jars, then the runtime interface client (which the managed runtime provides). */
    private static String classpath(Path packageDir) throws IOException {
        List<String> entries = new ArrayList<>();
        entries.add(packageDir.toString());
        try (var jars = Files.list(packageDir.resolve("lib"))) {
            jars.sorted().forEach(jar -> entries.add(jar.toString()));
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (RIC_JARS.stream().anyMatch(name::startsWith) && !entries.stream().anyMatch(e -> e.endsWith(name))) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void seed(DynamoDbLocal local, String table) {
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table)))
                .dynamo(local.client()).clock(Clock.fixed(NOW, ZoneOffset.UTC)).alertPublisher(message -> "bench")
                .build();
        LocalDate today = NOW.atZone(ZoneOffset.UTC).toLocalDate();
        RunInfo run = RunInfo.manual(ReportKind.COST, NOW);
        for (LocalDate day = today.withDayOfMonth(1); day.isBefore(today); day = day.plusDays(1)) {
            components.reports().replaceCostDay(new CostDay(day, List.of(new CostRow(day, null, "Opus output",
                    "tokens", "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD",
                    new BigDecimal("123.45")))), run);
        }
        components.watermarks().advance(ReportKind.COST, today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant(), today.atStartOfDay(ZoneOffset.UTC).toInstant());
        components.watermarks().advance(ReportKind.USAGE, today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant(), NOW.minusSeconds(600));
        components.budgets().put(new Budget("team-agents", new BigDecimal("100000"), BudgetPeriod.MONTHLY,
                ZoneOffset.UTC, BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT,
                Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private static long countJars(Path packageDir) throws IOException {
        try (var jars = Files.list(packageDir.resolve("lib"))) {
            return jars.count();
        }
    }

    private static double median(List<double[]> results, int column) {
        double[] values = results.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The Lambda Runtime API, as much as the runtime interface client uses: {@code GET .../invocation/next} hands out
     * queued events with Lambda's headers, {@code POST .../{id}/response|error} completes them.
     */
    static final class RuntimeApi implements AutoCloseable {
        private final HttpServer server;
        private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        private final Map<String, CompletableFuture<Long>> pending = new ConcurrentHashMap<>();
        private final CompletableFuture<Void> firstPoll = new CompletableFuture<>();

        private RuntimeApi(HttpServer server) {
            this.server = server;
        }

        static RuntimeApi start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            RuntimeApi api = new RuntimeApi(server);
            server.createContext("/2018-06-01/runtime/", api::handle);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "runtime-api");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return api;
        }

        int port() {
            return server.getAddress().getPort();
        }

        void awaitFirstPoll(Duration timeout) throws Exception {
            firstPoll.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** @return milliseconds from handing the event out to its response */
        double invoke(String event, Duration timeout) throws Exception {
            String id = UUID.randomUUID().toString();
            CompletableFuture<Long> done = new CompletableFuture<>();
            pending.put(id, done);
            events.put(new String[] {id, event});
            long queued = System.nanoTime();
            long finished = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return (finished - queued) / 1e6;
        }

        private void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            try (exchange) {
                if (path.endsWith("/invocation/next")) {
                    firstPoll.complete(null);
                    String[] next;
                    try {
                        next = events.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    Map<String, String> headers = new LinkedHashMap<>();
                    headers.put("Lambda-Runtime-Aws-Request-Id", next[0]);
                    headers.put("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 29_000));
                    headers.put("Lambda-Runtime-Invoked-Function-Arn",
                            "arn:aws:lambda:us-east-1:123456789012:function:budget-check-bench");
                    headers.put("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
                    headers.put("Content-Type", "application/json");
                    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
                    send(exchange, 200, next[1]);
                } else if (path.contains("/invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
                    String id = path.split("/")[4];
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    CompletableFuture<Long> done = pending.remove(id);
                    if (done != null) {
                        if (path.endsWith("/error")) {
                            done.completeExceptionally(new IllegalStateException("the function failed: "
                                    + new String(body, StandardCharsets.UTF_8)));
                        } else {
                            done.complete(System.nanoTime());
                        }
                    }
                    send(exchange, 202, "{}");
                } else if (path.endsWith("/init/error")) {
                    firstPoll.completeExceptionally(new IllegalStateException("init failed: "
                            + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                    send(exchange, 202, "{}");
                } else {
                    send(exchange, 404, "{}");
                }
            }
        }

        private static void send(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private ColdStartBenchmark() {
    }
}
