package org.costobservatory.local.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.costobservatory.anthropic.ReportJsonWriter;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.domain.Workspace;

/**
 * The demo organisation behind an HTTP server on loopback that speaks Anthropic's Admin API wire format: the cost
 * report, the messages usage report and the workspace list, with their pagination, the documented errors, an admin
 * key check, and an occasional 429 with {@code retry-after} so the real client's retry path is exercised.
 */
public final class DemoAdminApi implements AutoCloseable {
    private static final Set<String> STORED_DIMENSIONS =
            Set.of("model", "workspace_id", "api_key_id", "service_tier", "context_window");

    private final DemoOrganisation organisation;
    private final Clock clock;
    private final String adminKey;
    private final int rateLimitEvery;
    private final AtomicLong requests = new AtomicLong();
    private final HttpServer server;

    /**
     * @param rateLimitEvery answer every n-th report request with a 429 (0 for never)
     */
    public DemoAdminApi(DemoOrganisation organisation, Clock clock, int rateLimitEvery) throws IOException {
        this.organisation = organisation;
        this.clock = clock;
        this.adminKey = "sk-ant-admin01-demo-" + UUID.randomUUID();
        this.rateLimitEvery = rateLimitEvery;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "demo-admin-api");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/v1/organizations/", this::serve);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The admin key this demo accepts; any other gets a 401 like the real API. */
    public String adminKey() {
        return adminKey;
    }

    public long requestCount() {
        return requests.get();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!adminKey.equals(exchange.getRequestHeaders().getFirst("x-api-key"))) {
                error(exchange, 401, "authentication_error", "invalid x-api-key");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Map<String, List<String>> query = parse(exchange.getRequestURI().getRawQuery());
            boolean report = path.startsWith("/v1/organizations/cost_report")
                    || path.startsWith("/v1/organizations/usage_report/messages");
            long count = requests.incrementAndGet();
            if (report && rateLimitEvery > 0 && count % rateLimitEvery == 0) {
                exchange.getResponseHeaders().set("retry-after", "1");
                error(exchange, 429, "rate_limit_error", "Number of requests has exceeded your rate limit");
                return;
            }
            switch (path) {
                case "/v1/organizations/cost_report" -> costReport(exchange, query);
                case "/v1/organizations/usage_report/messages" -> usageReport(exchange, query);
                case "/v1/organizations/workspaces" -> workspaces(exchange, query);
                case "/v1/organizations/api_keys" -> apiKeys(exchange, query);
                default -> error(exchange, 404, "not_found_error", "The requested resource could not be found.");
            }
        } catch (IllegalArgumentException e) {
            error(exchange, 400, "invalid_request_error", e.getMessage());
        }
    }

    private void costReport(HttpExchange exchange, Map<String, List<String>> query) throws IOException {
        Instant start = window(query, "starting_at", null);
        Instant end = window(query, "ending_at", start.plus(7, ChronoUnit.DAYS));
        if (!end.isAfter(start.plus(Duration.ofDays(1)).minusNanos(1))) {
            throw new IllegalArgumentException("Invalid date range: ending date must be after starting date");
        }
        Instant today = clock.instant().truncatedTo(ChronoUnit.DAYS);
        Instant first = page(query).orElse(start);
        int limit = limit(query, 7, 31);
        List<CostDay> days = new ArrayList<>();
        Instant next = first;
        while (next.isBefore(end) && next.isBefore(today) && days.size() < limit) {
            days.add(organisation.cost(next.atOffset(ZoneOffset.UTC).toLocalDate()));
            next = next.plus(1, ChronoUnit.DAYS);
        }
        boolean more = next.isBefore(end) && next.isBefore(today);
        respond(exchange, ReportJsonWriter.costPage(days, more, more ? token(next) : null));
    }

    private void usageReport(HttpExchange exchange, Map<String, List<String>> query) throws IOException {
        String width = query.getOrDefault("bucket_width", List.of("1d")).get(0);
        Duration length = switch (width) {
            case "1h" -> Duration.ofHours(1);
            case "1d" -> Duration.ofDays(1);
            default -> throw new IllegalArgumentException("bucket_width must be 1h or 1d in the demo");
        };
        List<String> groupBy = query.getOrDefault("group_by[]", List.of());
        if (groupBy.size() > 5) {
            throw new IllegalArgumentException("Cannot specify more than 5 group_by[] dimensions.");
        }
        Instant start = window(query, "starting_at", null);
        Instant end = window(query, "ending_at", start.plus(length.multipliedBy(7)));
        Instant now = clock.instant().truncatedTo(ChronoUnit.HOURS);
        int limit = limit(query, "1h".equals(width) ? 24 : 7, "1h".equals(width) ? 168 : 31);
        Instant next = page(query).orElse(start);
        List<UsageBucket> buckets = new ArrayList<>();
        while (next.isBefore(end) && !next.plus(length).isAfter(now) && buckets.size() < limit) {
            List<UsageRow> rows = new ArrayList<>();
            for (Instant hour = next; hour.isBefore(next.plus(length)); hour = hour.plus(1, ChronoUnit.HOURS)) {
                rows.addAll(organisation.usage(hour));
            }
            buckets.add(new UsageBucket(next, next.plus(length), group(rows, next, groupBy)));
            next = next.plus(length);
        }
        boolean more = next.isBefore(end) && !next.plus(length).isAfter(now);
        respond(exchange, ReportJsonWriter.usagePage(buckets, more, more ? token(next) : null));
    }

    /** Keeps only the requested dimensions and adds up lines that become equal, as the real report does. */
    private static List<UsageRow> group(List<UsageRow> rows, Instant bucket, List<String> groupBy) {
        Map<String, UsageRow> grouped = new LinkedHashMap<>();
        for (UsageRow row : rows) {
            UsageRow kept = new UsageRow(bucket,
                    groupBy.contains("workspace_id") ? row.workspaceId() : null,
                    groupBy.contains("api_key_id") ? row.apiKeyId() : null,
                    groupBy.contains("model") ? row.model() : null,
                    groupBy.contains("service_tier") ? row.serviceTier() : null,
                    groupBy.contains("context_window") ? row.contextWindow() : null,
                    row.uncachedInputTokens(), row.cacheReadInputTokens(), row.cacheCreation5mInputTokens(),
                    row.cacheCreation1hInputTokens(), row.outputTokens(), row.webSearchRequests());
            grouped.merge(kept.key(), kept, UsageRow::plus);
        }
        if (!STORED_DIMENSIONS.containsAll(groupBy)) {
            throw new IllegalArgumentException("the demo groups by " + STORED_DIMENSIONS + " only");
        }
        return new ArrayList<>(grouped.values());
    }

    private void workspaces(HttpExchange exchange, Map<String, List<String>> query) throws IOException {
        boolean archived = "true".equals(query.getOrDefault("include_archived", List.of("false")).get(0));
        List<Workspace> all = organisation.workspaces().stream()
                .filter(w -> archived || w.archivedAt().isEmpty()).toList();
        Page<Workspace> page = page(all, Workspace::id, query);
        respond(exchange, ReportJsonWriter.workspacesPage(page.items(), page.hasMore()));
    }

    /** Every status unless {@code status} is given, paged by id like the real list. */
    private void apiKeys(HttpExchange exchange, Map<String, List<String>> query) throws IOException {
        Optional<String> status = Optional.ofNullable(query.get("status")).map(values -> values.get(0));
        List<ApiKey> all = organisation.apiKeys().stream()
                .filter(key -> status.isEmpty() || key.status().equals(status.get())).toList();
        Page<ApiKey> page = page(all, ApiKey::id, query);
        respond(exchange, ReportJsonWriter.apiKeysPage(page.items(), page.hasMore()));
    }

    private record Page<T>(List<T> items, boolean hasMore) {
    }

    /** One page of an organisation list, after the item whose id is {@code after_id}, as the real lists page. */
    private static <T> Page<T> page(List<T> all, java.util.function.Function<T, String> id,
                                    Map<String, List<String>> query) {
        String after = query.getOrDefault("after_id", List.of("")).get(0);
        int limit = limit(query, 20, 1000);
        int from = 0;
        if (!after.isEmpty()) {
            for (int i = 0; i < all.size(); i++) {
                if (id.apply(all.get(i)).equals(after)) {
                    from = i + 1;
                }
            }
        }
        return new Page<>(all.subList(from, Math.min(all.size(), from + limit)), from + limit < all.size());
    }

    private static Instant window(Map<String, List<String>> query, String name, Instant fallback) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            if (fallback == null) {
                throw new IllegalArgumentException(name + ": Field required");
            }
            return fallback;
        }
        try {
            return Instant.parse(values.get(0));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": Input should be a valid datetime");
        }
    }

    private static java.util.Optional<Instant> page(Map<String, List<String>> query) {
        List<String> values = query.get("page");
        if (values == null || values.isEmpty()) {
            return java.util.Optional.empty();
        }
        String token = values.get(0);
        if (!token.startsWith("page_")) {
            throw new IllegalArgumentException("page: invalid page token");
        }
        return java.util.Optional.of(Instant.parse(new String(Base64.getDecoder().decode(token.substring(5)),
                StandardCharsets.UTF_8)));
    }

    /** Real cursors look like base64 of the next bucket start; clients must treat them as opaque. */
    private static String token(Instant next) {
        return "page_" + Base64.getEncoder().encodeToString(next.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static int limit(Map<String, List<String>> query, int fallback, int max) {
        List<String> values = query.get("limit");
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        int value = Integer.parseInt(values.get(0));
        if (value < 1 || value > max) {
            throw new IllegalArgumentException("limit: Input should be between 1 and " + max);
        }
        return value;
    }

    private static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return values;
    }

    private static void respond(HttpExchange exchange, String json) throws IOException {
        send(exchange, 200, json);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        send(exchange, status, ReportJsonWriter.errorBody(type, message));
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.getResponseHeaders().set("request-id", "req_demo_" + UUID.randomUUID().toString().substring(0, 12));
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
