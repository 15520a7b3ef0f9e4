package org.costobservatory.wiring;

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
import java.util.function.Predicate;
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
 * POSTs to one AWS service, signed with the AWS SDK's own SigV4 signer and sent with the JDK's HTTP client, for the
 * two calls that do not justify a whole SDK service client in every package: SSM's {@code GetParameter} (the admin
 * key) and SNS's {@code Publish} (alerts and notices). Credentials and region come from the SDK's default chains, the
 * endpoint from {@code AWS_ENDPOINT_URL_<SERVICE>} when set (local stand-ins), like every other AWS client here.
 * A connection failure, HTTP 5xx, 429 or a throttling answer is tried again, three attempts in all.
 */
final class SignedAwsCalls {
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int ATTEMPTS = 3;
    /** The JDK sets these itself from the request; the signature covers the same values. */
    private static final Set<String> SET_BY_THE_CLIENT = Set.of("host", "content-length");

    /** What the service answered: the HTTP status and the body. */
    record Answer(int status, byte[] body) {
    }

    private final String service;
    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final HttpClient http;

    SignedAwsCalls(String service, URI endpoint, String region, AwsCredentialsProvider credentials, HttpClient http) {
        this.service = Objects.requireNonNull(service);
        this.endpoint = Objects.requireNonNull(endpoint);
        this.region = Objects.requireNonNull(region);
        this.credentials = Objects.requireNonNull(credentials);
        this.http = Objects.requireNonNull(http);
    }

    /**
     * The service's endpoint in {@code AWS_REGION} (else the SDK's region chain), or {@code AWS_ENDPOINT_URL_<SERVICE>}
     * when set.
     */
    static SignedAwsCalls fromEnvironment(String service, Map<String, String> env) {
        String region = env.get("AWS_REGION");
        if (region == null || region.isBlank()) {
            region = new DefaultAwsRegionProviderChain().getRegion().id();
        }
        region = region.strip();
        String override = env.get("AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT));
        URI endpoint;
        if (override != null && !override.isBlank()) {
            endpoint = URI.create(override.strip());
        } else {
            RegionMetadata metadata = RegionMetadata.of(Region.of(region));
            String domain = metadata == null ? "amazonaws.com" : metadata.domain();
            endpoint = URI.create("https://" + service + "." + region + "." + domain);
        }
        return new SignedAwsCalls(service, endpoint, region, DefaultCredentialsProvider.builder().build(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /**
     * Sends {@code body} with {@code headers}, trying again while the answer is {@code retryable}.
     *
     * @return the last answer (which the caller reads, success or error)
     * @throws IllegalStateException when no attempt got an answer, naming the action and the kind of failure
     */
    Answer post(String action, Map<String, String> headers, byte[] body, Predicate<Answer> retryable) {
        String failure = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                Answer answer = send(headers, body);
                if (attempt == ATTEMPTS || !retryable.test(answer)) {
                    return answer;
                }
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during " + service.toUpperCase(Locale.ROOT) + " "
                        + action);
            }
            pause(attempt);
        }
        throw new IllegalStateException(service.toUpperCase(Locale.ROOT) + " " + action + " failed: " + failure);
    }

    /** HTTP 5xx and 429 are worth another attempt; so is any answer whose error type says throttling. */
    static boolean transientFailure(Answer answer, String errorType) {
        return answer.status() >= 500 || answer.status() == 429
                || errorType.toLowerCase(Locale.ROOT).contains("throttl");
    }

    private Answer send(Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint);
        headers.forEach(request::putHeader);
        SignedRequest signed = SIGNER.sign(sign -> sign.identity(credentials.resolveCredentials())
                .request(request.build()).payload(() -> new ByteArrayInputStream(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder builder = HttpRequest.newBuilder(signed.request().getUri()).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((header, values) -> {
            if (!SET_BY_THE_CLIENT.contains(header.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(header, value));
            }
        });
        HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.body());
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
        return service + "[" + endpoint + ", " + region + "]";
    }
}
