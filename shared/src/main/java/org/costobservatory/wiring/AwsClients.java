package org.costobservatory.wiring;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The one AWS client factory. Credentials come from the default chain (an explicit credentials provider would break
 * SnapStart). Region and endpoints come from the environment map the configuration was read from:
 * {@code AWS_REGION} and {@code AWS_ENDPOINT_URL_DYNAMODB} (SSM, read once for the admin key, is
 * {@link SsmParameters}; SNS, for alerts, is {@link SnsAlertPublisher}); in Lambda that map is the process
 * environment, so nothing changes there, while local mode and tests pass their own.
 */
public final class AwsClients {
    private AwsClients() {
    }

    public static DynamoDbClient dynamoDb(Map<String, String> env) {
        return configured(DynamoDbClient.builder(), env, "AWS_ENDPOINT_URL_DYNAMODB")
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static <B extends AwsClientBuilder<B, C>, C> B configured(B builder, Map<String, String> env,
                                                                     String endpointVariable) {
        String endpoint = env.get(endpointVariable);
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint.trim()));
        }
        String region = env.get("AWS_REGION");
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region.trim()));
        }
        return builder;
    }
}
