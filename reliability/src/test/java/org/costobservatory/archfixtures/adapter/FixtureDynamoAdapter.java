package org.costobservatory.archfixtures.adapter;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** An architecture test fixture: an adapter, which may use the DynamoDB SDK. */
public final class FixtureDynamoAdapter {
    public boolean hasTable(DynamoDbClient dynamo) {
        return dynamo.listTables().hasTableNames();
    }
}
