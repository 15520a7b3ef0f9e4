package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.costobservatory.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code observatory open} against a stand-in for API Gateway's IAM authorizer: a loopback server that recomputes
 * each request's SigV4 signature from what it received (written here from AWS's specification, not with the SDK
 * that signs) and answers 403 as API Gateway does when it does not match.
 */
class SigningProxyTest {
    private static final String ACCESS_KEY = "AKIDEXAMPLEOPEN";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String TOKEN = "session-token/with+odd=chars";
    private static final String REGION = "eu-west-1";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private HttpServer apiGateway;
    private final AtomicInteger forwarded = new AtomicInteger();
    private SigningProxy proxy;

    @BeforeEach
    void startTheStandIn() throws IOException {
        apiGateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        apiGateway.createContext("/", this::authorize);
        apiGateway.start();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        apiGateway.stop(0);
    }

    private URI standIn(String path) {
        return URI.create("http://127.0.0.1:" + apiGateway.getAddress().getPort() + path);
    }

    private SigningProxy proxyTo(URI api, String secret) throws IOException {
        return SigningProxy.start(api, REGION, StaticCredentialsProvider.create(
                AwsSessionCredentials.create(ACCESS_KEY, secret, TOKEN)), 0);
    }

    private HttpResponse<String> through(String method, String pathAndQuery, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.url().resolve(pathAndQuery))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDashboardAndTheApiComeBackThroughASignedRequest() throws Exception {
        proxy = proxyTo(standIn(""), SECRET);

        HttpResponse<String> page = through("GET", "/", "");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(page.body()).contains("<h1>dashboard</h1>");

        HttpResponse<String> headroom = through("GET", "/v1/headroom?budget=team-agents&estimate_usd=2.50", "");
        JsonNode seen = Json.mapper().readTree(headroom.body());
        assertThat(headroom.statusCode()).isEqualTo(200);
        assertThat(seen.path("path").asText()).isEqualTo("/v1/headroom");
        assertThat(seen.path("query").asText()).isEqualTo("budget=team-agents&estimate_usd=2.50");
        assertThat(seen.path("token").asText()).isEqualTo(TOKEN);
        assertThat(seen.path("region").asText()).isEqualTo(REGION);
    }

    @Test
    void aWriteIsSignedWithItsBody() throws Exception {
        proxy = proxyTo(standIn(""), SECRET);

        HttpResponse<String> put = through("PUT", "/v1/budgets/team", "{\"limit_usd\": 100, \"period\": \"monthly\"}",
                "content-type", "application/json");

        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode seen = Json.mapper().readTree(put.body());
        assertThat(seen.path("method").asText()).isEqualTo("PUT");
        assertThat(seen.path("body").asText()).isEqualTo("{\"limit_usd\": 100, \"period\": \"monthly\"}");
        assertThat(seen.path("signed_headers").asText()).contains("content-type").contains("host")
                .contains("x-amz-date").contains("x-amz-security-token");
    }

    @Test
    void oddCharactersInTheQueryAndAStagePathStaySigned() throws Exception {
        proxy = proxyTo(standIn("/prod"), SECRET);

        HttpResponse<String> odd = through("GET", "/v1/reports/usage?to=2026-11-30&from=2026-11-01&group_by=api_key"
                + "&note=a%20b%2Bc%2F~&empty=", "");

        assertThat(odd.statusCode()).as(odd.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(odd.body()).path("path").asText()).isEqualTo("/prod/v1/reports/usage");
    }

    @Test
    void aWrongSecretIsRefusedByTheApiAndTheRefusalIsShown() throws Exception {
        proxy = proxyTo(standIn(""), "not-the-secret");

        HttpResponse<String> refused = through("GET", "/v1/budgets", "");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("signature we calculated does not match");
    }

    @Test
    void whatAWebPageCouldSendIsRefusedBeforeAnythingIsSigned() throws Exception {
        proxy = proxyTo(standIn(""), SECRET);
        int port = proxy.url().getPort();

        LoopbackHardeningTest.Reply rebound = raw(port, "GET", "/v1/budgets", Map.of("Host", "evil.example:" + port));
        LoopbackHardeningTest.Reply crossSite = raw(port, "DELETE", "/v1/budgets/team",
                Map.of("Host", "127.0.0.1:" + port, "Origin", "https://evil.example"));
        LoopbackHardeningTest.Reply form = raw(port, "PUT", "/v1/budgets/team",
                Map.of("Host", "127.0.0.1:" + port, "Content-Type", "text/plain"));

        assertThat(new int[]{rebound.status(), crossSite.status(), form.status()}).containsExactly(421, 403, 415);
        assertThat(forwarded.get()).as("nothing reached the API").isZero();
    }

    @Test
    void theUrlAndRegionAreCheckedBeforeAnythingListens() {
        assertThat(SigningProxy.regionOf(URI.create("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com")))
                .contains("eu-west-1");
        assertThat(SigningProxy.regionOf(URI.create("https://a1b2c3.execute-api.cn-north-1.amazonaws.com.cn")))
                .contains("cn-north-1");
        assertThat(SigningProxy.regionOf(URI.create("https://api.example.com"))).isEmpty();
        assertThatThrownBy(() -> SigningProxy.apiUrl("http://a1b2.execute-api.eu-west-1.amazonaws.com"))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> SigningProxy.apiUrl("https://x.example.com/?a=b")).hasMessageContaining("query");

        Observatory cli = new Observatory(new PrintStream(new ByteArrayOutputStream()), new PrintStream(
                new ByteArrayOutputStream()), Map.of(), Clock.systemUTC());
        Observatory.OpenOptions options = cli.openOptions(Observatory.Arguments.parse(new String[]{"open", "--url",
                "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", "--no-browser"}));
        assertThat(options.region()).isEqualTo("eu-west-1");
        assertThat(options.port()).isEqualTo(8788);
        assertThat(options.browser()).isFalse();
        assertThatThrownBy(() -> cli.openOptions(Observatory.Arguments.parse(new String[]{"open", "--url",
                "https://api.example.com"}))).hasMessageContaining("give --region");
        assertThatThrownBy(() -> cli.openOptions(Observatory.Arguments.parse(new String[]{"open", "--url",
                "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", "--region", "us-east-1"})))
                .hasMessageContaining("does not match");
    }

    @Test
    void theBrowserIsOpenedOnlyWhereThereIsOne() {
        URI url = URI.create("http://127.0.0.1:8788/");
        assertThat(Browser.command(url, Map.of(), "Linux", program -> true)).as("no display: SSH, a container")
                .isEmpty();
        assertThat(Browser.command(url, Map.of("DISPLAY", ":0"), "Linux", program -> true))
                .contains(List.of("xdg-open", url.toString()));
        assertThat(Browser.command(url, Map.of("DISPLAY", ":0"), "Linux", program -> false)).isEmpty();
        assertThat(Browser.command(url, Map.of(), "Mac OS X", program -> false)).contains(List.of("open",
                url.toString()));
        assertThat(Browser.command(url, Map.of("BROWSER", "firefox:chromium"), "Linux", program -> false))
                .contains(List.of("firefox", url.toString()));
    }

    private static LoopbackHardeningTest.Reply raw(int port, String method, String path, Map<String, String> headers)
            throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("Content-Length: 2\r\nConnection: close\r\n\r\n{}");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new LoopbackHardeningTest.Reply(Integer.parseInt(response.substring(9, 12)), response);
        }
    }

    // ---------------------------------------------------------------- the stand-in: SigV4 as AWS specifies it

    private static final Pattern AUTHORIZATION = Pattern.compile("^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/"
            + "([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private void authorize(HttpExchange exchange) throws IOException {
        try (exchange) {
            forwarded.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Optional<String> problem = verify(exchange, body);
            if (problem.isPresent()) {
                respond(exchange, 403, "application/json", "{\"message\":\"" + problem.get() + "\"}");
                return;
            }
            if (exchange.getRequestURI().getRawPath().equals("/")) {
                respond(exchange, 200, "text/html; charset=utf-8", "<h1>dashboard</h1>");
                return;
            }
            Matcher auth = AUTHORIZATION.matcher(exchange.getRequestHeaders().getFirst("Authorization"));
            auth.matches();
            ObjectNode seen = Json.mapper().createObjectNode();
            seen.put("method", exchange.getRequestMethod());
            seen.put("path", exchange.getRequestURI().getRawPath());
            seen.put("query", String.valueOf(exchange.getRequestURI().getRawQuery()));
            seen.put("body", new String(body, StandardCharsets.UTF_8));
            seen.put("token", exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"));
            seen.put("region", auth.group(3));
            seen.put("signed_headers", auth.group(5));
            respond(exchange, 200, "application/json", seen.toString());
        }
    }

    /** API Gateway's check: the credential scope, the freshness of the date, the token, and the signature. */
    private static Optional<String> verify(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            return Optional.of("Missing Authentication Token");
        }
        Matcher auth = AUTHORIZATION.matcher(authorization);
        if (!auth.matches()) {
            return Optional.of("malformed Authorization header");
        }
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        if (amzDate == null || !amzDate.startsWith(auth.group(2))) {
            return Optional.of("the date does not match the credential scope");
        }
        Instant signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        if (Duration.between(signedAt, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) > 0) {
            return Optional.of("Signature expired");
        }
        if (!auth.group(1).equals(ACCESS_KEY) || !auth.group(3).equals(REGION) || !auth.group(4).equals("execute-api")) {
            return Optional.of("wrong credential scope " + auth.group(1) + "/" + auth.group(3) + "/" + auth.group(4));
        }
        List<String> signedHeaders = List.of(auth.group(5).split(";"));
        if (!signedHeaders.contains("host") || !signedHeaders.contains("x-amz-date")) {
            return Optional.of("host and x-amz-date must be signed");
        }
        if (!TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"))) {
            return Optional.of("The security token included in the request is invalid");
        }
        StringBuilder canonical = new StringBuilder();
        canonical.append(exchange.getRequestMethod()).append('\n');
        canonical.append(canonicalPath(exchange.getRequestURI().getRawPath())).append('\n');
        canonical.append(canonicalQuery(exchange.getRequestURI().getRawQuery())).append('\n');
        for (String name : signedHeaders) {
            List<String> values = exchange.getRequestHeaders().get(name);
            if (values == null) {
                return Optional.of("signed header " + name + " is missing");
            }
            canonical.append(name).append(':').append(String.join(",", values.stream()
                    .map(v -> v.trim().replaceAll(" +", " ")).toList())).append('\n');
        }
        canonical.append('\n').append(auth.group(5)).append('\n').append(hex(sha256(body)));
        String scope = auth.group(2) + "/" + REGION + "/execute-api/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + SECRET).getBytes(StandardCharsets.UTF_8), auth.group(2));
        key = hmac(key, REGION);
        key = hmac(key, "execute-api");
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, toSign));
        return expected.equals(auth.group(6)) ? Optional.empty()
                : Optional.of("The request signature we calculated does not match the signature you provided.");
    }

    /** Each segment URI-encoded again (every service but S3 encodes the already encoded path once more). */
    private static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/", -1)) {
            segments.add(encode(segment));
        }
        return String.join("/", segments);
    }

    /** Names and values decoded, re-encoded the SigV4 way, sorted by name then value. */
    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            sorted.computeIfAbsent(encode(name), k -> new ArrayList<>()).add(encode(value));
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((name, values) -> values.stream().sorted().forEach(value -> parts.add(name + "=" + value)));
        return String.join("&", parts);
    }

    /** RFC 3986: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded, in upper-case hex. */
    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-_.~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static void respond(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
