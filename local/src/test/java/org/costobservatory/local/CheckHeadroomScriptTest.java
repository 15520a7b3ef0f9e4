package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.functions.budgetcheck.BudgetCheckHandler;
import org.costobservatory.store.RunInfo;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scripts/check-headroom.sh}, sourced by bash, against the real handler on a loopback endpoint. */
class CheckHeadroomScriptTest {
    private static final Path SCRIPT = Path.of(System.getProperty("project.root", ".."), "scripts",
            "check-headroom.sh").toAbsolutePath();
    private static final Path README = Path.of(System.getProperty("project.root", ".."), "README.md")
            .toAbsolutePath();
    /** The server's clock: its answers are the same on every day of the month. */
    private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");
    private static ApiGatewayAdapter endpoint;
    private static Components components;

    @BeforeAll
    static void startEndpoint() throws IOException {
        DynamoDbLocal local = DynamoDbLocal.shared();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(local.client()).clock(clock).alertPublisher(message -> "test").build();
        // $75.12 settled yesterday
        LocalDate day = LocalDate.parse("2026-11-23");
        components.reports().replaceCostDay(new CostDay(day, List.of(new CostRow(day, null, "Claude Opus output",
                "tokens", "claude-opus-4-6", "standard", "output_tokens", "0-200k", "global", "USD",
                new BigDecimal("7512")))), RunInfo.manual(ReportKind.COST, clock.instant()));
        components.watermarks().advance(ReportKind.COST, day.atStartOfDay(ZoneOffset.UTC).toInstant(),
                day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        Instant hour = clock.instant().truncatedTo(ChronoUnit.HOURS);
        components.watermarks().advance(ReportKind.USAGE, hour, hour);
        components.budgets().put(budget("team-agents", "100"));
        components.budgets().put(budget("roomy", "10000"));
        components.budgets().put(budget("engine-runs", "10000"));
        endpoint = new ApiGatewayAdapter(0, new BudgetCheckHandler(components.router(false)), 4);
    }

    private static Budget budget(String name, String limit) {
        return new Budget(name, new BigDecimal(limit), BudgetPeriod.MONTHLY, ZoneOffset.UTC, BudgetScope.ORGANISATION,
                Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @AfterAll
    static void stop() {
        endpoint.close();
    }

    record Result(int status, String out, String err) {
    }

    static Result check(Map<String, String> env, String... args) throws Exception {
        return call("check_headroom", env, args);
    }

    static Result call(String function, Map<String, String> env, String... args) throws Exception {
        StringBuilder command = new StringBuilder(". '" + SCRIPT + "' && " + function);
        for (String arg : args) {
            command.append(" '").append(arg).append("'");
        }
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command.toString());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("COST_OBSERVATORY"));
        environment.putAll(env);
        Path out = Files.createTempFile("check", ".out");
        Path err = Files.createTempFile("check", ".err");
        Process process = builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(out).trim(), Files.readString(err).trim());
    }

    static Map<String, String> at(String url) {
        Map<String, String> env = new HashMap<>();
        env.put("COST_OBSERVATORY_URL", url);
        return env;
    }

    @Test
    void warnAndAllowReturnZeroWithOneLine() throws Exception {
        Result warn = check(at(endpoint.baseUrl()), "team-agents", "2.50");
        assertThat(warn.status()).isZero();
        assertThat(warn.out()).isEqualTo("headroom team-agents: warn (team-agents: spent $75.12 of $100.00, remaining "
                + "$22.38, estimate $2.50, data as of 2026-11-24T10:00:00Z, stale=false)");
        Result allow = check(at(endpoint.baseUrl()), "roomy");
        assertThat(allow.status()).isZero();
        assertThat(allow.out()).startsWith("headroom roomy: allow (roomy: spent $75.12 of $10000.00");
    }

    @Test
    void denyReturnsOne() throws Exception {
        Result deny = check(at(endpoint.baseUrl()), "team-agents", "24.88");
        assertThat(deny.status()).isEqualTo(1);
        assertThat(deny.out()).startsWith("headroom team-agents: deny (");
    }

    @Test
    void withoutABudgetItAnswersForTheMostConstrained() throws Exception {
        Result all = check(at(endpoint.baseUrl()));
        assertThat(all.status()).isZero();
        assertThat(all.out()).startsWith("headroom all: warn (team-agents: spent $75.12 of $100.00");
    }

    @Test
    void errorsFailClosedWithTwo() throws Exception {
        assertThat(check(at(endpoint.baseUrl()), "no-such-budget").out())
                .isEqualTo("headroom no-such-budget: error (HTTP 404: no budget named 'no-such-budget')");
        assertThat(check(at(endpoint.baseUrl()), "no-such-budget").status()).isEqualTo(2);
        assertThat(check(at(endpoint.baseUrl()), "team-agents", "lots").status()).isEqualTo(2);
        assertThat(check(at(endpoint.baseUrl()), "Team Agents").status()).isEqualTo(2);
        assertThat(check(Map.of(), "team-agents").out()).contains("COST_OBSERVATORY_URL is not set");
        int unused;
        try (ServerSocket socket = new ServerSocket(0)) {
            unused = socket.getLocalPort();
        }
        Result down = check(at("http://127.0.0.1:" + unused), "team-agents");
        assertThat(down.status()).isEqualTo(2);
        assertThat(down.out()).startsWith("headroom team-agents: error (no answer");
    }

    @Test
    void aSlowAnswerTimesOutAndFailsClosed() throws Exception {
        // a server that never answers while the check runs: only the client's own timeout can end the check, so no
        // wall-clock bound is needed (a check that waited would hit check()'s 60 s limit and fail)
        CountDownLatch release = new CountDownLatch(1);
        HttpServer slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        slow.createContext("/", exchange -> {
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        slow.start();
        try {
            Map<String, String> env = at("http://127.0.0.1:" + slow.getAddress().getPort());
            env.put("COST_OBSERVATORY_TIMEOUT", "1");
            Result result = check(env, "team-agents");
            assertThat(result.status()).isEqualTo(2);
            assertThat(result.out()).contains("no answer within 1s");
        } finally {
            release.countDown();
            slow.stop(0);
        }
    }

    @Test
    void anOperatorCanBypassTheCheckAndItSaysSo() throws Exception {
        Map<String, String> env = at("http://127.0.0.1:9");
        env.put("COST_OBSERVATORY_BYPASS", "1");
        Result bypass = check(env, "team-agents");
        assertThat(bypass.status()).isZero();
        assertThat(bypass.err()).contains("BYPASSED");
        assertThat(bypass.out()).contains("bypass");
    }

    /**
     * A {@code curl} first on the PATH that writes its arguments and standard input to files, then runs the real curl
     * with both, so the request still happens.
     */
    static Path recordingCurl(Path dir) throws IOException {
        Path realCurl = null;
        for (String entry : System.getenv("PATH").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry, "curl");
            if (realCurl == null && Files.isExecutable(candidate)) {
                realCurl = candidate.toAbsolutePath();
            }
        }
        assertThat(realCurl).as("curl on the PATH").isNotNull();
        Path stub = dir.resolve("curl");
        Files.writeString(stub, "#!/bin/bash\n"
                + "printf '%s\\n' \"$@\" > '" + dir.resolve("argv") + "'\n"
                + "tee '" + dir.resolve("stdin") + "' | '" + realCurl + "' \"$@\"\n");
        assertThat(stub.toFile().setExecutable(true)).isTrue();
        return dir;
    }

    static Map<String, String> withStub(Path stubDir, String url) {
        Map<String, String> env = at(url);
        env.put("PATH", stubDir + java.io.File.pathSeparator + System.getenv("PATH"));
        return env;
    }

    @Test
    void theSecretKeyAndSessionTokenReachCurlOnStandardInputNeverOnItsCommandLine(@TempDir Path dir)
            throws Exception {
        String secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        String token = "IQoJb3JpZ2luX2VjEXAMPLE//session+token=";
        AtomicReference<String> authorization = new AtomicReference<>();
        AtomicReference<String> sentToken = new AtomicReference<>();
        HttpServer recorder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        recorder.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            sentToken.set(exchange.getRequestHeaders().getFirst("x-amz-security-token"));
            byte[] body = ("{\"budget\":\"team-agents\",\"decision\":\"allow\",\"limit_usd\":100.00,"
                    + "\"spent_usd\":1.00,\"remaining_usd\":99.00,\"stale\":false,"
                    + "\"data_as_of\":\"2026-11-24T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        recorder.start();
        try {
            Map<String, String> env = withStub(recordingCurl(dir), "http://127.0.0.1:"
                    + recorder.getAddress().getPort());
            env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
            env.put("AWS_SECRET_ACCESS_KEY", secret);
            env.put("AWS_SESSION_TOKEN", token);
            env.put("AWS_REGION", "eu-west-1");
            Result result = check(env, "team-agents", "1");

            assertThat(result.status()).as(result.out()).isZero();
            String argv = Files.readString(dir.resolve("argv"));
            assertThat(argv).doesNotContain(secret).doesNotContain(token).doesNotContain("wJalrXUtnFEMI")
                    .doesNotContain("IQoJb3JpZ2lu");
            assertThat(Files.readString(dir.resolve("stdin"))).contains(secret).contains(token);
            // ... and curl used them: the request is signed, and carries the token
            assertThat(authorization.get()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                    .contains("/eu-west-1/execute-api/aws4_request");
            assertThat(sentToken.get()).isEqualTo(token);
        } finally {
            recorder.stop(0);
        }
    }

    @Test
    void aPlainHttpUrlOffLoopbackIsRefusedBeforeCurlRuns(@TempDir Path dir) throws Exception {
        recordingCurl(dir);
        for (String url : List.of("http://example.com", "HTTP://example.com:8787/", "http://127.0.0.1@example.com/",
                "http://127.0.0.1.example.com", "ftp://127.0.0.1/", "127.0.0.1:8787", "file:///etc/passwd")) {
            Map<String, String> env = withStub(dir, url);
            env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
            env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
            Result refused = check(env, "team-agents");
            assertThat(refused.status()).as(url).isEqualTo(2);
            assertThat(refused.out()).as(url).isEqualTo("headroom team-agents: error (COST_OBSERVATORY_URL must be "
                    + "https://, or http:// on loopback)");
            assertThat(dir.resolve("argv")).as("curl never ran for %s", url).doesNotExist();
        }
    }

    @Test
    void curlIsHeldToHttpsOrToHttpOnLoopback(@TempDir Path dir) throws Exception {
        recordingCurl(dir);
        int unused;
        try (ServerSocket socket = new ServerSocket(0)) {
            unused = socket.getLocalPort();
        }
        Map<String, String> protocols = Map.of("https://127.0.0.1:" + unused, "=https",
                "http://127.0.0.1:" + unused, "=http", "http://localhost:" + unused + "/", "=http",
                "http://[::1]:" + unused, "=http");
        for (Map.Entry<String, String> url : protocols.entrySet()) {
            Result result = check(withStub(dir, url.getKey()), "team-agents");
            assertThat(result.out()).as(url.getKey()).startsWith("headroom team-agents: error (no answer");
            List<String> argv = Files.readAllLines(dir.resolve("argv"));
            assertThat(argv).as(url.getKey()).containsSequence("--proto", url.getValue());
            Files.delete(dir.resolve("argv"));
        }
    }

    @Test
    void requestsAreSignedWithSigV4WhenCredentialsAreInTheEnvironment() throws Exception {
        AtomicReference<String> authorization = new AtomicReference<>();
        AtomicReference<String> token = new AtomicReference<>();
        HttpServer recorder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        recorder.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            token.set(exchange.getRequestHeaders().getFirst("x-amz-security-token"));
            byte[] body = ("{\"budget\":\"team-agents\",\"decision\":\"allow\",\"limit_usd\":100.00,\"spent_usd\":1.00,"
                    + "\"remaining_usd\":99.00,\"stale\":false,\"data_as_of\":\"2026-11-24T10:00:00Z\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        recorder.start();
        try {
            Map<String, String> env = at("http://127.0.0.1:" + recorder.getAddress().getPort());
            env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
            env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
            env.put("AWS_SESSION_TOKEN", "session-token-example");
            env.put("AWS_REGION", "eu-west-1");
            Result result = check(env, "team-agents", "1");
            assertThat(result.status()).isZero();
            assertThat(authorization.get()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                    .contains("/eu-west-1/execute-api/aws4_request").contains("Signature=");
            assertThat(token.get()).isEqualTo("session-token-example");
        } finally {
            recorder.stop(0);
        }
    }

    // ------------------------------------------------------------------ holds

    @Test
    void aHoldPrintsItsIdCountsInTheAnswerAndSettlesWithTheRunsCost() throws Exception {
        Result hold = call("hold_headroom", at(endpoint.baseUrl()), "roomy", "2.50", "script-run-1");
        assertThat(hold.status()).as(hold.err()).isZero();
        assertThat(hold.out()).isEqualTo(org.costobservatory.budget.HoldService.holdId("script-run-1"));
        assertThat(hold.err()).startsWith("hold roomy: allow (" + hold.out() + " for run script-run-1 until ");
        assertThat(components.holds().get(hold.out()).orElseThrow().active()).isTrue();

        Result again = call("hold_headroom", at(endpoint.baseUrl()), "roomy", "2.50", "script-run-1");
        assertThat(again.out()).as("the same run id finds the same hold").isEqualTo(hold.out());

        Result settle = call("settle_hold", at(endpoint.baseUrl()), hold.out(), "1.84");
        assertThat(settle.status()).as(settle.out()).isZero();
        assertThat(settle.out()).isEqualTo("settle " + hold.out() + ": settled ($1.84, caller)");
        assertThat(components.holds().get(hold.out()).orElseThrow().actualUsd()).contains(new BigDecimal("1.84"));
    }

    @Test
    void aDeniedHoldReturnsOnePrintsNoIdAndHoldsNothing() throws Exception {
        Result deny = call("hold_headroom", at(endpoint.baseUrl()), "team-agents", "30", "script-denied");
        assertThat(deny.status()).isEqualTo(1);
        assertThat(deny.out()).isEmpty();
        assertThat(deny.err()).startsWith("hold team-agents: deny (nothing held; team-agents has $-5.12 left");
        assertThat(components.holds().get(org.costobservatory.budget.HoldService.holdId("script-denied"))).isEmpty();
    }

    @Test
    void holdAndSettleFailClosedWithTwo() throws Exception {
        assertThat(call("hold_headroom", at(endpoint.baseUrl()), "Team Agents", "1", "r").status()).isEqualTo(2);
        assertThat(call("hold_headroom", at(endpoint.baseUrl()), "roomy", "lots", "r").status()).isEqualTo(2);
        assertThat(call("hold_headroom", at(endpoint.baseUrl()), "roomy", "1", "has space").status()).isEqualTo(2);
        Result noEstimate = call("hold_headroom", at(endpoint.baseUrl()), "roomy");
        assertThat(noEstimate.status()).isEqualTo(2);
        assertThat(noEstimate.err()).contains("COST_OBSERVATORY_RUN_CLASS");
        Result unknown = call("hold_headroom", at(endpoint.baseUrl()), "no-such-budget", "1", "r");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("hold no-such-budget: error (HTTP 404: no budget named 'no-such-budget')");
        assertThat(unknown.out()).isEmpty();
        assertThat(call("hold_headroom", Map.of(), "roomy", "1", "r").err()).contains("COST_OBSERVATORY_URL is not set");

        assertThat(call("settle_hold", at(endpoint.baseUrl()), "hold_nope").status()).isEqualTo(2);
        Result never = call("settle_hold", at(endpoint.baseUrl()), "hold_" + "0".repeat(32), "1");
        assertThat(never.status()).isEqualTo(2);
        assertThat(never.out()).contains("HTTP 404");
        assertThat(call("settle_hold", at(endpoint.baseUrl()), "hold_" + "0".repeat(32), "-1").status()).isEqualTo(2);
    }

    @Test
    void aHoldSendsItsSecretsAndBodyOnStandardInputAndOnlyOverHttpsOrLoopback(@TempDir Path dir) throws Exception {
        recordingCurl(dir);
        Map<String, String> env = withStub(dir, endpoint.baseUrl());
        String secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        env.put("AWS_SECRET_ACCESS_KEY", secret);
        env.put("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEXAMPLE");
        Result hold = call("hold_headroom", env, "roomy", "1.00", "script-secrets");
        assertThat(hold.status()).as(hold.err()).isZero();
        assertThat(Files.readString(dir.resolve("argv"))).doesNotContain(secret).doesNotContain("IQoJb3JpZ2lu")
                .doesNotContain("script-secrets");
        assertThat(Files.readString(dir.resolve("stdin"))).contains(secret).contains("\\\"run_id\\\":\\\"script-secrets\\\"");
        assertThat(Files.readAllLines(dir.resolve("argv"))).containsSequence("--proto", "=http");
        Files.delete(dir.resolve("argv"));

        Result refused = call("settle_hold", withStub(dir, "http://example.com"), hold.out(), "1");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.out()).contains("must be https://, or http:// on loopback");
        assertThat(dir.resolve("argv")).as("curl never ran").doesNotExist();
    }

    /** The README's engine.sh, as printed there: it holds, runs the command, and settles even when the run fails. */
    @Test
    void theReadmesEngineScriptSettlesItsHoldEvenWhenTheRunFails(@TempDir Path dir) throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf("```sh\n#!/usr/bin/env bash\n# engine.sh");
        assertThat(start).as("engine.sh in the README").isNotNegative();
        String engine = readme.substring(start + "```sh\n".length(), readme.indexOf("```", start + 5))
                .replace("/opt/cost-observatory/scripts/check-headroom.sh", SCRIPT.toString())
                .replace("https://abc123.execute-api.us-east-1.amazonaws.com", endpoint.baseUrl())
                .replace("team-agents", "engine-runs");
        Path script = dir.resolve("engine.sh");
        Files.writeString(script, engine);

        BigDecimal before = recent("engine-runs");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "bash", "-c",
                "echo 0.42 > \"$RUN_COST_FILE\"; exit 3");
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("COST_OBSERVATORY"));
        builder.environment().put("RUN_ESTIMATE_USD", "5.00");
        Process failing = builder.redirectErrorStream(true).start();
        assertThat(failing.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(failing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(failing.exitValue()).as(output).isEqualTo(3);
        assertThat(output).contains("hold engine-runs: allow (").contains(": settled ($0.42, caller)");
        assertThat(recent("engine-runs")).isEqualByComparingTo(before.add(new BigDecimal("0.42")));
        assertThat(held("engine-runs")).isEqualByComparingTo("0.00");

        // a run that writes no cost settles with its estimate
        ProcessBuilder silent = new ProcessBuilder("bash", script.toString(), "true");
        silent.environment().keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("COST_OBSERVATORY"));
        silent.environment().put("RUN_ESTIMATE_USD", "5.00");
        Process quiet = silent.redirectErrorStream(true).start();
        assertThat(quiet.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(quiet.exitValue()).isZero();
        assertThat(recent("engine-runs")).isEqualByComparingTo(before.add(new BigDecimal("5.42")));
    }

    private static BigDecimal recent(String budget) {
        return answer(budget).recentUsd();
    }

    private static BigDecimal held(String budget) {
        return answer(budget).heldUsd();
    }

    private static org.costobservatory.budget.HeadroomAnswer answer(String budget) {
        return components.headroom().answer(components.budgets().get(budget).orElseThrow(), BigDecimal.ZERO);
    }
}
