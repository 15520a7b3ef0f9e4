package org.costobservatory.store.dynamodb;

import java.util.Map;
import java.util.function.Supplier;
import org.costobservatory.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Small shared DynamoDB steps and the one place SDK failures become {@link StoreUnavailableException}. */
final class Dynamo {
    private Dynamo() {
    }

    static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB failed to " + what + ": " + e.getMessage(), e);
        }
    }

    static void run(String what, Runnable action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Keys.PK, AttributeValue.fromS(pk), Keys.SK, AttributeValue.fromS(sk));
    }

    /** A strongly consistent read; null when the item does not exist. */
    static Map<String, AttributeValue> get(DynamoDbClient dynamo, String table, String pk, String sk) {
        var response = dynamo.getItem(b -> b.tableName(table).key(key(pk, sk)).consistentRead(true));
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }
}
