package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.costobservatory.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command from a clean clone of this repository: {@code ./observatory serve --demo} builds with
 * Maven, serves the API and dashboard, stops on SIGTERM, and the CLI then reads the data it left behind.
 */
class LauncherTest {
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path work;

    @Test
    void aCleanCloneServesTheDemoWithOneCommand() throws Exception {
        Path clone = work.resolve("clone");
        run(work, List.of("git", "clone", "--quiet", "--no-hardlinks", ROOT.toString(), clone.toString()), 120);
        assertThat(Files.isExecutable(clone.resolve("observatory"))).isTrue();
        assertThat(Files.exists(clone.resolve("local/target"))).isFalse();

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = work.resolve("data");
        Path log = work.resolve("serve.log");
        Process serve = new ProcessBuilder(clone.resolve("observatory").toString(), "serve", "--demo", "--port",
                Integer.toString(port), "--data-dir", data.toString()).directory(clone.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
            while (!Files.readString(log).contains("Listening on " + base)) {
                assertThat(serve.isAlive()).as("observatory serve exited early:%n%s", Files.readString(log)).isTrue();
                assertThat(Instant.now()).as("observatory serve did not start in time:%n%s", Files.readString(log))
                        .isBefore(deadline);
                Thread.sleep(500);
            }
            String terminal = Files.readString(log);
            assertThat(terminal).contains("building with Maven").contains("Catching up on the month so far")
                    .contains("Dashboard: " + base + "/");

            JsonNode health = LocalServerTest.get(base, "/v1/health");
            assertThat(health.get("status").asText()).isEqualTo("ok");
            JsonNode headroom = LocalServerTest.get(base, "/v1/headroom?budget=org-monthly&estimate_usd=2.50");
            assertThat(headroom.get("decision").asText()).isEqualTo("allow");
            assertThat(headroom.get("estimate_usd").decimalValue()).isEqualByComparingTo("2.50");
            assertThat(LocalServerTest.getText(base, "/")).contains("<title>Cost Observatory</title>")
                    .contains("org-monthly");
        } finally {
            serve.destroy();
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(serve.exitValue()).as("exit status on SIGTERM").isEqualTo(143);
        assertThat(Files.readString(log)).as("a clean stop").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Files.exists(data.resolve(LocalServer.SERVER_FILE))).as("the server file is removed on stop")
                .isFalse();

        // Ctrl-C (SIGINT) on a second start: a clean stop, exit status 130, the data kept.
        Path again = work.resolve("serve-again.log");
        Process second = new ProcessBuilder(clone.resolve("observatory").toString(), "serve", "--demo",
                "--no-catch-up", "--port", Integer.toString(port), "--data-dir", data.toString())
                .directory(clone.toFile()).redirectErrorStream(true).redirectOutput(again.toFile()).start();
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (!Files.readString(again).contains("Listening on ")) {
                assertThat(second.isAlive()).as("observatory serve exited early:%n%s", Files.readString(again))
                        .isTrue();
                assertThat(Instant.now()).as("did not start in time:%n%s", Files.readString(again))
                        .isBefore(deadline);
                Thread.sleep(250);
            }
            run(work, List.of("kill", "-INT", Long.toString(second.pid())), 30);
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            second.destroyForcibly();
        }
        assertThat(second.exitValue()).as("exit status on SIGINT").isEqualTo(130);
        assertThat(Files.readString(again)).as("a clean stop").doesNotContain("Exception").doesNotContain("\tat ");

        // After a stop, the CLI opens the same data directory itself: nothing was lost.
        String json = run(clone, List.of(clone.resolve("observatory").toString(), "headroom", "--format", "json",
                "--data-dir", data.toString()), 120);
        JsonNode all = Json.mapper().readTree(json);
        assertThat(all.get("budgets")).extracting(b -> b.get("budget").asText()).contains("org-monthly",
                "research-opus");
    }

    private static String run(Path directory, List<String> command, int timeoutSeconds) throws Exception {
        Path output = Files.createTempFile("launcher", ".out");
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s exited with %d:%n%s", command, process.exitValue(), text)
                .isIn(0, 1);
        return text;
    }
}
