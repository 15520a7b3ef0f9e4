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
        EmbeddedDynamo dynamo = new EmbeddedDynamo(DynamoDBEmbedded.create(database, true));
        TableDefinition.createIfMissing(dynamo.client, TABLE);
        return dynamo;
    }

    public DynamoDbClient client() {
        return client;
    }

    @Override
    public void close() {
        local.shutdown();
    }
}
