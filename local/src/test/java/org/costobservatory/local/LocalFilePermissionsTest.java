package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.alert.AlertMessage;
import org.costobservatory.log.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security F9: the data directory holds spend data, and {@code server.json} decides where CLI commands send their
 * requests, so the directory is its owner's alone (0700) and so is every file local mode writes there (0600).
 */
class LocalFilePermissionsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-10T14:20:00Z"), ZoneOffset.UTC);
    private static final PrintStream DISCARD = new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void serveCreatesThePrivateDirectoryDatabaseAndServerFile() throws Exception {
        // GIVEN a data directory that does not exist yet
        Path dataDir = temp.resolve("new").resolve("data");

        // WHEN the server starts on it
        try (LocalServer server = LocalServer.start(new Observatory.ServeOptions(dataDir, true, 0, Optional.empty(),
                Optional.empty(), false), Map.of(), DISCARD, CLOCK)) {
            // THEN the directory is 0700, the database, the lock and server.json 0600
            assertThat(mode(dataDir)).isEqualTo("rwx------");
            assertThat(mode(dataDir.resolve(EmbeddedDynamo.DATABASE_FILE))).isEqualTo("rw-------");
            assertThat(mode(dataDir.resolve(".lock"))).isEqualTo("rw-------");
            assertThat(mode(dataDir.resolve(LocalServer.SERVER_FILE))).isEqualTo("rw-------");
            assertThat(LocalServer.runningOn(dataDir)).contains(server.url());
        }
    }

    @Test
    void aDirectoryAndDatabaseLeftReadableByAnEarlierVersionAreTightened() throws Exception {
        // GIVEN a world-readable data directory with a world-readable database in it
        Path dataDir = Files.createDirectory(temp.resolve("old"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (EmbeddedDynamo dynamo = EmbeddedDynamo.open(dataDir)) {
            dynamo.client().listTables();
        }
        Files.setPosixFilePermissions(dataDir.resolve(EmbeddedDynamo.DATABASE_FILE),
                PosixFilePermissions.fromString("rw-r--r--"));

        // WHEN local mode opens it again
        try (LocalRuntime runtime = LocalRuntime.open(new LocalRuntime.Options(dataDir, Optional.empty(),
                Optional.empty(), false, Optional.empty(), false), Map.of(), DISCARD, CLOCK)) {
            // THEN both are the owner's only, and the data is still there
            assertThat(mode(dataDir)).isEqualTo("rwx------");
            assertThat(mode(dataDir.resolve(EmbeddedDynamo.DATABASE_FILE))).isEqualTo("rw-------");
            assertThat(runtime.components().budgets().list()).isEmpty();
        }
    }

    @Test
    void theAlertLogIsTheOwnersOnly() throws Exception {
        Path dataDir = temp.resolve("alerts");
        AlertMessage message = new AlertMessage("team", new BigDecimal("75"), List.of(new BigDecimal("75")),
                "warning", "[Cost Observatory] team at 75%", "Budget team has reached 75%.\n", "{}",
                "team/2026-11-01T00:00:00Z/75", Map.of("budget", "team"));

        new LocalAlertPublisher(dataDir.resolve("alerts.log"), DISCARD, Optional.empty(), CLOCK).publish(message);

        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("alerts.log"))).isEqualTo("rw-------");
        assertThat(Files.readString(dataDir.resolve("alerts.log"))).contains("team/2026-11-01T00:00:00Z/75");
    }

    @Test
    void theJsonLogIsTheOwnersOnly() throws Exception {
        Path log = temp.resolve("logs").resolve("observatory.log");
        try {
            LogFile.redirect(log, DISCARD);
            Log.get(LocalFilePermissionsTest.class).info("a line for the log file");
        } finally {
            Log.setOutput(System.out::println);
        }

        assertThat(mode(log)).isEqualTo("rw-------");
        assertThat(mode(log.getParent())).isEqualTo("rwx------");
        assertThat(Files.readString(log)).contains("a line for the log file");
    }
}
