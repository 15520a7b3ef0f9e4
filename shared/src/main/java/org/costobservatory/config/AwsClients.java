package org.costobservatory.config;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The one AWS client factory. Region and credentials come from the environment's default chain (an explicit
 * credentials provider would break SnapStart); endpoints follow {@code AWS_ENDPOINT_URL_DYNAMODB},
 * {@code AWS_ENDPOINT_URL_SNS} and {@code AWS_ENDPOINT_URL_SSM}, so local runs and tests need no special code.
 */
public final class AwsClients {
    private AwsClients() {
    }

    public static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static SnsClient sns() {
        return SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static SsmClient ssm() {
        return SsmClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }
}
