package org.costobservatory.archfixtures.core;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Broken on purpose (architecture test fixture): a service that reads the table itself instead of a store port. */
public final class BudgetsReadStraightFromDynamoDb {
    public int budgets(DynamoDbClient dynamo) {
        return dynamo.query(b -> b.tableName("t")).count();
    }
}
