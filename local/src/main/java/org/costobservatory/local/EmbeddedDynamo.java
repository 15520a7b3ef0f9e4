package org.costobservatory.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.costobservatory.store.dynamodb.TableDefinition;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * DynamoDB Local inside this JVM, its data in a directory that survives restarts. Embedded mode opens no network
 * port at all; telemetry is always off.
 */
public final class EmbeddedDynamo implements AutoCloseable {
    public static final String TABLE = "cost-observatory";
    static final String DATABASE_FILE = "cost-observatory.db";
    /** sqlite4java logs through java.util.logging; keep its chatter off the terminal (held so it is not collected). */
    private static final Logger QUIET = Logger.getLogger("com.almworks.sqlite4java");
    /** How long a database another command has just closed may stay locked. */
    private static final java.time.Duration LOCKED_RETRY = java.time.Duration.ofSeconds(10);

    private final AmazonDynamoDBLocal local;
    private final DynamoDbClient client;

    private EmbeddedDynamo(AmazonDynamoDBLocal local) {
        this.local = local;
        this.client = local.dynamoDbClient();
    }

    /** Opens (or creates) the store in {@code dataDir}; its data is one SQLite file there. */
    public static EmbeddedDynamo open(Path dataDir) {
        try {
            PrivateFiles.directory(dataDir);
            // SQLite opens an empty file as an empty database and gives its journals the file's permissions.
            PrivateFiles.file(dataDir.toAbsolutePath().resolve(DATABASE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
        QUIET.setLevel(Level.OFF);
        File database = dataDir.toAbsolutePath().resolve(DATABASE_FILE).toFile();
        EmbeddedDynamo dynamo = new EmbeddedDynamo(create(database));
        TableDefinition.createIfMissing(dynamo.client, TABLE);
        return dynamo;
    }

    /**
     * Opens the SQLite file. A command that has just closed the same file may still hold SQLite's lock for a moment
     * (DynamoDB Local lets its connections go on its own threads), so a locked database is tried again for a few
     * seconds before the failure is passed on. Two live processes cannot meet here: the data directory's lock file
     * ({@link LocalRuntime}) keeps a second one out before this.
     */
    private static AmazonDynamoDBLocal create(File database) {
        long giveUpAt = System.nanoTime() + LOCKED_RETRY.toNanos();
        while (true) {
            try {
                return DynamoDBEmbedded.create(database, true);
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("database is locked") || System.nanoTime() > giveUpAt) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    public DynamoDbClient client() {
        return client;
    }

    @Override
    public void close() {
        local.shutdown();
    }
}
