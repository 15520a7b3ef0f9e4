package org.costobservatory.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * A real {@code moto_server} (the Python AWS mock: SSM, SNS, SQS, ...) as a child process on 127.0.0.1 and a free
 * port, for tests of code that talks to AWS services DynamoDB Local does not cover. Output goes to
 * {@code target/moto-<port>.log}. Use {@link #shared()} for one server per test JVM (never close it; a shutdown hook
 * does) and call {@link #reset()} in set-up, or {@link #start()} for a private one to close yourself.
 *
 * <p>Needs {@code moto_server} on the PATH ({@code pip install 'moto[server]'}); the command can be replaced with
 * the {@code MOTO_SERVER_COMMAND} environment variable.
 */
public final class MotoServer implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static MotoServer shared;

    private final int port;
    private final Path logFile;
    private final Process process;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private MotoServer(int port) {
        this.port = port;
        this.logFile = Path.of("target", "moto-" + port + ".log");
        String command = System.getenv().getOrDefault("MOTO_SERVER_COMMAND", "moto_server");
        try {
            Files.createDirectories(logFile.getParent());
            process = new ProcessBuilder(command, "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start '" + command + "': moto_server must be installed and on "
                    + "the PATH for this test (pip install 'moto[server]'), or MOTO_SERVER_COMMAND must name it ("
                    + e.getMessage() + ")", e);
        }
        shutdownHook = new Thread(this::stopProcess, "moto-server-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitReady();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** One server per test JVM, started on first use and stopped when the JVM exits. */
    public static synchronized MotoServer shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = new MotoServer(freePort());
        }
        return shared;
    }

    /** A private server; close it when done. */
    public static MotoServer start() {
        return new MotoServer(freePort());
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path logFile() {
        return logFile;
    }

    /** Forgets every resource in every service (POST /moto-api/reset). */
    public void reset() {
        HttpRequest request = HttpRequest.newBuilder(endpoint().resolve("/moto-api/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto_server reset answered HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("moto_server reset failed; see " + logFile.toAbsolutePath(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting moto_server", e);
        }
    }

    /**
     * Points an AWS SDK client builder at this server: region us-east-1, dummy static credentials, the
     * URL-connection HTTP client. For example {@code moto.client(SsmClient.builder())}.
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing left to undo.
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(endpoint().resolve("/moto-api/")).GET()
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with code " + process.exitValue()
                        + " before it was ready (is moto[server] installed for the Python on the PATH?); its output: "
                        + tail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (ConnectException notYetListening) {
                // Still starting.
            } catch (IOException e) {
                // A half-started server may drop the connection; keep polling until the deadline.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto_server", e);
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto_server", e);
            }
        }
        throw new IllegalStateException("moto_server did not answer on " + endpoint() + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s; its output: " + tail());
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        // Launchers such as pyenv shims may leave the Python process as a child; stop it too.
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output in " + logFile.toAbsolutePath() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
