package org.costobservatory.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.costobservatory.log.Log;

/**
 * Serves a Lambda API handler on a loopback port: each HTTP request becomes the {@code APIGatewayV2HTTPEvent}
 * (payload version 2.0) that API Gateway would send, and the handler's response goes back unchanged. There is no
 * authorisation; the server listens on 127.0.0.1 only, and {@link LoopbackGuard} refuses what a web page could send
 * it (a foreign {@code Host}, a cross-site write, a body that is not JSON) before the handler is called.
 */
public final class ApiGatewayAdapter implements AutoCloseable {
    private static final Log LOG = Log.get(ApiGatewayAdapter.class);
    private static final int MAX_BODY = 1024 * 1024;
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final ExecutorService executor;
    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private final LoopbackGuard guard;

    public ApiGatewayAdapter(int port, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
                             int threads) throws IOException {
        this.handler = handler;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        this.executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "api");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        this.guard = new LoopbackGuard(server.getAddress().getPort());
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                send(exchange, 413, Map.of("content-type", "application/json"),
                        "{\"error\":{\"type\":\"invalid_request\",\"message\":\"the body is larger than 1 MiB\"}}"
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            Optional<LoopbackGuard.Refusal> refusal = guard.check(exchange.getRequestMethod(), headers(exchange),
                    body.length > 0);
            if (refusal.isPresent()) {
                LOG.warn("refused a request a web page could have sent", "status", refusal.get().status(),
                        "method", exchange.getRequestMethod());
                send(exchange, refusal.get().status(), Map.of("content-type", "application/json"),
                        refusal.get().body());
                return;
            }
            APIGatewayV2HTTPResponse response = handler.handleRequest(toEvent(exchange, body),
                    new LocalLambdaContext("budget-check", Duration.ofSeconds(29)));
            byte[] out = response.getBody() == null ? new byte[0]
                    : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                    : response.getBody().getBytes(StandardCharsets.UTF_8);
            send(exchange, response.getStatusCode(), response.getHeaders() == null ? Map.of() : response.getHeaders(),
                    out);
        } catch (RuntimeException e) {
            LOG.error("local API adapter failed", e);
        }
    }

    /** The request's headers with lower-case names, repeated values joined with commas (as API Gateway does). */
    static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        return headers;
    }

    static APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, byte[] body) {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        Map<String, String> headers = headers(exchange);
        Map<String, String> parameters = new HashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = Exchanges.decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : Exchanges.decode(pair.substring(eq + 1));
                parameters.merge(name, value, (a, b) -> a + "," + b);   // as API Gateway joins repeats
            }
        }
        String contentType = headers.getOrDefault("content-type", "");
        boolean text = body.length == 0 || contentType.isEmpty() || contentType.contains("json")
                || contentType.startsWith("text/");
        Instant now = Instant.now();
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        APIGatewayV2HTTPEvent.RequestContext.Http http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(path).withProtocol(exchange.getProtocol()).withSourceIp(sourceIp)
                .withUserAgent(headers.getOrDefault("user-agent", "")).build();
        APIGatewayV2HTTPEvent.RequestContext context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withAccountId("local").withApiId("local").withDomainName("127.0.0.1").withDomainPrefix("local")
                .withHttp(http).withRequestId(UUID.randomUUID().toString()).withRouteKey(method + " " + path)
                .withStage("$default").withTime(REQUEST_TIME.format(now)).withTimeEpoch(now.toEpochMilli()).build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey(method + " " + path).withRawPath(path)
                .withRawQueryString(query == null ? "" : query).withHeaders(headers)
                .withQueryStringParameters(parameters.isEmpty() ? null : parameters)
                .withCookies(headers.containsKey("cookie") ? List.of(headers.get("cookie").split("; ")) : null)
                .withRequestContext(context)
                .withBody(body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8)
                        : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(!text)
                .build();
    }


    private static void send(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        Exchanges.send(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
