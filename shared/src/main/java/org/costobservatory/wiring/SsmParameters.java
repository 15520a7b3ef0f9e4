package org.costobservatory.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.costobservatory.anthropic.ParameterStore;
import org.costobservatory.json.Json;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * SSM Parameter Store's {@code GetParameter}, signed with the AWS SDK's own SigV4 signer and sent with the JDK's HTTP
 * client. This is the only SSM call Cost Observatory makes (the admin key, once at init and once after a 401), and
 * the SDK's SSM client would add 6 MB, 40 % of an ingest function's package, for it. Credentials and region come from
 * the SDK's default chains, the endpoint from {@code AWS_ENDPOINT_URL_SSM} when set (local stand-ins), like every
 * other AWS client here.
 */
public final class SsmParameters implements ParameterStore {
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 3;
    /** The JDK sets these itself from the request; the signature covers the same values. */
    private static final Set<String> SET_BY_THE_CLIENT = Set.of("host", "content-length");

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final HttpClient http;

    SsmParameters(URI endpoint, String region, AwsCredentialsProvider credentials, HttpClient http) {
        this.endpoint = Objects.requireNonNull(endpoint);
        this.region = Objects.requireNonNull(region);
        this.credentials = Objects.requireNonNull(credentials);
        this.http = Objects.requireNonNull(http);
    }

    /** From {@code AWS_REGION} (else the SDK's region chain) and {@code AWS_ENDPOINT_URL_SSM}. */
    public static SsmParameters fromEnvironment(Map<String, String> env) {
        String region = env.get("AWS_REGION");
        if (region == null || region.isBlank()) {
            region = new DefaultAwsRegionProviderChain().getRegion().id();
        }
        String override = env.get("AWS_ENDPOINT_URL_SSM");
        URI endpoint;
        if (override != null && !override.isBlank()) {
            endpoint = URI.create(override.strip());
        } else {
            RegionMetadata metadata = RegionMetadata.of(Region.of(region.strip()));
            String domain = metadata == null ? "amazonaws.com" : metadata.domain();
            endpoint = URI.create("https://ssm." + region.strip() + "." + domain);
        }
        return new SsmParameters(endpoint, region.strip(), DefaultCredentialsProvider.builder().build(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    @Override
    public Parameter read(String name) {
        ObjectNode query = Json.mapper().createObjectNode();
        query.put("Name", name);
        query.put("WithDecryption", true);
        byte[] body = query.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            HttpResponse<byte[]> response;
            try {
                response = http.send(signed(body), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                last = new IllegalStateException("SSM GetParameter failed: " + e.getClass().getSimpleName());
                pause(attempt);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading SSM parameter '" + name + "'");
            }
            JsonNode answer = parse(response.body());
            if (response.statusCode() == 200) {
                JsonNode parameter = answer.path("Parameter");
                return new Parameter(parameter.path("Value").isTextual() ? parameter.path("Value").asText() : null,
                        parameter.path("Type").asText(null));
            }
            String type = errorType(answer);
            if ("ParameterNotFound".equals(type)) {
                throw new NotFound(name);
            }
            // Only the error type and AWS's message are kept; AWS never echoes a parameter's value in them.
            last = new IllegalStateException("SSM GetParameter answered HTTP " + response.statusCode() + " "
                    + type + ": " + answer.path("message").asText(answer.path("Message").asText("")));
            if (response.statusCode() < 500 && response.statusCode() != 429
                    && !type.toLowerCase(Locale.ROOT).contains("throttl")) {
                throw last;
            }
            pause(attempt);
        }
        throw last;
    }

    private HttpRequest signed(byte[] body) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AmazonSSM.GetParameter")
                .build();
        SignedRequest signed = SIGNER.sign(sign -> sign.identity(credentials.resolveCredentials())
                .request(request).payload(() -> new ByteArrayInputStream(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder builder = HttpRequest.newBuilder(signed.request().getUri()).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((header, values) -> {
            if (!SET_BY_THE_CLIENT.contains(header.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(header, value));
            }
        });
        return builder.build();
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }

    /** {@code "com.amazonaws.ssm#ParameterNotFound"} or {@code "ParameterNotFound"} becomes the latter. */
    private static String errorType(JsonNode answer) {
        String type = answer.path("__type").asText("UnknownError");
        return type.substring(type.lastIndexOf('#') + 1);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SsmParameters[" + endpoint + ", " + region + "]";
    }
}
