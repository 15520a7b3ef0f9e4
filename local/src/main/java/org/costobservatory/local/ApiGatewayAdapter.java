package org.costobservatory.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.costobservatory.json.Json;
import org.costobservatory.log.Log;

/**
 * Serves a Lambda API handler on a loopback port: each HTTP request becomes the JSON event (HTTP API, payload
 * version 2.0) that API Gateway would send, and the handler's response object becomes the HTTP response. There is no
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
    private final RequestStreamHandler handler;
    private final LoopbackGuard guard;

    public ApiGatewayAdapter(int port, RequestStreamHandler handler, int threads) throws IOException {
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
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(Json.mapper().writeValueAsBytes(toEvent(exchange, body))),
                    output, new LocalLambdaContext("budget-check", Duration.ofSeconds(29)));
            JsonNode response = Json.mapper().readTree(output.toByteArray());
            String text = response.path("body").asText("");
            byte[] out = response.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text)
                    : text.getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            send(exchange, response.path("statusCode").asInt(502), headers, out);
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

    static ObjectNode toEvent(HttpExchange exchange, byte[] body) {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        Map<String, String> headers = headers(exchange);
        Map<String, String> parameters = new LinkedHashMap<>();
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
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", method + " " + path);
        event.put("rawPath", path);
        event.put("rawQueryString", query == null ? "" : query);
        if (headers.containsKey("cookie")) {
            var cookies = event.putArray("cookies");
            for (String cookie : headers.get("cookie").split("; ")) {
                cookies.add(cookie);
            }
        }
        ObjectNode eventHeaders = event.putObject("headers");
        headers.forEach(eventHeaders::put);
        if (!parameters.isEmpty()) {
            ObjectNode eventParameters = event.putObject("queryStringParameters");
            parameters.forEach(eventParameters::put);
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "local");
        context.put("apiId", "local");
        context.put("domainName", "127.0.0.1");
        context.put("domainPrefix", "local");
        ObjectNode http = context.putObject("http");
        http.put("method", method);
        http.put("path", path);
        http.put("protocol", exchange.getProtocol());
        http.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", UUID.randomUUID().toString());
        context.put("routeKey", method + " " + path);
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());
        if (body.length > 0) {
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
        }
        event.put("isBase64Encoded", !text);
        return event;
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
