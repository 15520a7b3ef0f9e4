package org.costobservatory.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.costobservatory.store.dynamodb.TableDefinition;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local as an HTTP server inside the test JVM (in memory, telemetry off). Server mode rather than embedded
 * so tests can put SDK interceptors on their own client and stop the server to simulate an outage.
 */
public final class DynamoDbLocal implements AutoCloseable {
    private static DynamoDbLocal shared;

    private final int port;
    private final String[] storage;
    private DynamoDBProxyServer server;

    private DynamoDbLocal(int port, String... storage) {
        this.port = port;
        this.storage = storage.length == 0 ? new String[] {"-inMemory"} : storage;
        start();
    }

    /** One server per test JVM; each test takes its own table from {@link #newTable()}. */
    public static synchronized DynamoDbLocal shared() {
        if (shared == null) {
            shared = new DynamoDbLocal(freePort());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A private in-memory server, for tests that stop it (its data goes with it). */
    public static DynamoDbLocal privateInstance() {
        return new DynamoDbLocal(freePort());
    }

    /** A private server keeping its data in {@code directory}, so a stop and start loses nothing. */
    public static DynamoDbLocal persistentInstance(java.nio.file.Path directory) {
        return new DynamoDbLocal(freePort(), "-dbPath", directory.toAbsolutePath().toString(), "-sharedDb");
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            List<String> args = new java.util.ArrayList<>(List.of(storage));
            args.addAll(List.of("-port", Integer.toString(port), "-disableTelemetry"));
            server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
        }
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        } finally {
            server = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .executionInterceptors(List.of(interceptors)).build())
                .build();
    }

    /**
     * A client whose SDK retries keep their logic but wait milliseconds, for tests that inject faults and want the
     * SDK to give up quickly (three attempts, the standard strategy).
     */
    public DynamoDbClient fastRetryClient(ExecutionInterceptor... interceptors) {
        software.amazon.awssdk.retries.api.BackoffStrategy quick =
                software.amazon.awssdk.retries.api.BackoffStrategy.fixedDelay(java.time.Duration.ofMillis(5));
        return DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.standardRetryStrategy()
                                .toBuilder().maxAttempts(3).backoffStrategy(quick).throttlingBackoffStrategy(quick)
                                .build())
                        .executionInterceptors(List.of(interceptors)).build())
                .build();
    }

    /** Creates a fresh table with the production key schema and returns its name. */
    public String newTable() {
        String name = "test-" + UUID.randomUUID();
        try (DynamoDbClient client = client()) {
            TableDefinition.createIfMissing(client, name);
        }
        return name;
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
