package org.costobservatory.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.costobservatory.log.Log;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * {@code observatory open}: the deployed API and its dashboard in a browser. The API takes only SigV4-signed
 * requests, which a browser cannot make, so this serves 127.0.0.1 and forwards each request to the API signed with
 * the caller's AWS credentials (the SDK's SigV4 signer, service {@code execute-api}). It forwards only to the one
 * API it was started for, and refuses what a web page could send it ({@link LoopbackGuard}): anything it forwards is
 * signed as you.
 */
final class SigningProxy implements AutoCloseable {
    private static final Log LOG = Log.get(SigningProxy.class);
    private static final int MAX_BODY = 1024 * 1024;
    private static final Pattern EXECUTE_API = Pattern.compile(
            "^[a-z0-9]+\\.execute-api\\.([a-z]{2}(?:-[a-z]+)+-\\d+)\\.amazonaws\\.com(?:\\.cn)?$");
    /** What is passed on from the browser; nothing else (no cookies, no browser's Host or Origin). */
    private static final Set<String> REQUEST_HEADERS = Set.of("accept", "content-type");
    /** What is passed back; hop-by-hop headers and lengths are the local server's business. */
    private static final Set<String> DROPPED_RESPONSE_HEADERS = Set.of("connection", "content-length",
            "transfer-encoding", "keep-alive", "set-cookie", ":status");

    private final URI api;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final HttpClient client;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final HttpServer server;
    private final ExecutorService executor;
    private final LoopbackGuard guard;

    private SigningProxy(URI api, String region, AwsCredentialsProvider credentials, HttpClient client, int port)
            throws IOException {
        this.api = api;
        this.region = region;
        this.credentials = credentials;
        this.client = client;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        this.executor = Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "open");
            thread.setDaemon(true);
            return thread;
        });
        this.guard = new LoopbackGuard(server.getAddress().getPort());
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /**
     * @param api         the stack's {@code ApiUrl}: https, or http on loopback; a path prefix is kept
     * @param region      the API's region, which the signature names
     * @param credentials resolved for every request, so refreshed credentials are used as they change
     * @param port        where to listen on 127.0.0.1 (0: any free port)
     */
    static SigningProxy start(URI api, String region, AwsCredentialsProvider credentials, int port)
            throws IOException {
        return new SigningProxy(api, region, credentials, HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build(), port);
    }

    /** The API's URL as given: https anywhere, http only to this machine; no query or fragment. */
    static URI apiUrl(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (java.net.URISyntaxException e) {
            throw new LocalUsageException("--url '" + text + "' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && loopback(uri.getHost()))) {
            throw new LocalUsageException("--url must be the stack's ApiUrl (https://...), or http:// on this machine; "
                    + "got '" + text + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new LocalUsageException("--url must be the API's base URL, without a query, fragment or user");
        }
        return uri;
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.equals("[::1]") || host.matches("127(\\.\\d{1,3}){3}");
    }

    /** The region in an {@code execute-api} host name ({@code abc123.execute-api.eu-west-1.amazonaws.com}). */
    static Optional<String> regionOf(URI api) {
        Matcher matcher = EXECUTE_API.matcher(api.getHost().toLowerCase(Locale.ROOT));
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            Map<String, String> headers = ApiGatewayAdapter.headers(exchange);
            Optional<LoopbackGuard.Refusal> refusal = guard.check(exchange.getRequestMethod(), headers,
                    body.length > 0);
            if (refusal.isPresent()) {
                reply(exchange, refusal.get().status(), Map.of("content-type", List.of("application/json")),
                        refusal.get().body());
                return;
            }
            if (body.length > MAX_BODY) {
                reply(exchange, 413, Map.of("content-type", List.of("application/json")),
                        "{\"error\":{\"type\":\"invalid_request\",\"message\":\"the body is larger than 1 MiB\"}}"
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            HttpResponse<byte[]> response;
            try {
                response = forward(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestURI().getRawQuery(), headers, body);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not reach the API", "error_type", e.getClass().getSimpleName(), "error",
                        String.valueOf(e.getMessage()));
                reply(exchange, 502, Map.of("content-type", List.of("application/json")),
                        ("{\"error\":{\"type\":\"bad_gateway\",\"message\":\"could not reach " + api.getHost()
                                + ": " + e.getClass().getSimpleName() + "\"}}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            Map<String, List<String>> back = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> {
                if (!DROPPED_RESPONSE_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    back.put(name, values);
                }
            });
            reply(exchange, response.statusCode(), back, response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("open: a request failed", e);
        }
    }

    /** Signs the request for the API and sends it; what is signed is exactly what is sent. */
    HttpResponse<byte[]> forward(String method, String rawPath, String rawQuery, Map<String, String> headers,
                                 byte[] body) throws IOException, InterruptedException {
        String basePath = api.getRawPath() == null ? "" : api.getRawPath().replaceAll("/+$", "");
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method.toUpperCase(Locale.ROOT)))
                .protocol(api.getScheme()).host(api.getHost()).port(api.getPort() < 0 ? null : api.getPort())
                .encodedPath(basePath + (rawPath == null || rawPath.isEmpty() ? "/" : rawPath));
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                request.appendRawQueryParameter(Exchanges.decode(equals < 0 ? pair : pair.substring(0, equals)),
                        equals < 0 ? "" : Exchanges.decode(pair.substring(equals + 1)));
            }
        }
        headers.forEach((name, value) -> {
            if (REQUEST_HEADERS.contains(name)) {
                request.putHeader(name, value);
            }
        });
        AwsCredentials identity = credentials.resolveCredentials();
        SignedRequest signed = signer.sign(sign -> sign.identity(identity).request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        SdkHttpRequest ready = signed.request();
        HttpRequest.Builder out = HttpRequest.newBuilder(ready.getUri()).timeout(Duration.ofSeconds(35))
                .method(ready.method().name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        ready.headers().forEach((name, values) -> {
            // The client writes Host and Content-Length itself, from the same URI and body.
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(value -> out.header(name, value));
            }
        });
        return client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
    }


    private static void reply(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
        Exchanges.send(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
