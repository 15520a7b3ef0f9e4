package org.costobservatory.anthropic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.Workspace;
import org.costobservatory.log.Log;
import org.costobservatory.log.Secrets;
import org.costobservatory.time.Deadline;
import org.costobservatory.time.Sleeper;

/**
 * {@link AdminReports} over Anthropic's Admin API with {@code java.net.http}. Requests are sequential (the Admin rate
 * limit is org-wide and low); each page is parsed completely before it is handed on. One retry layer lives here:
 * 429, 5xx (529 included) and I/O failures are retried with capped exponential back-off and full jitter, honouring
 * {@code retry-after}/{@code retry-after-ms} and {@code x-should-retry}, and never waiting past the caller's
 * {@link Deadline}. A 401 re-reads the key once. A body larger than {@link #MAX_BODY_BYTES} is not read further and
 * fails with {@link ResponseTooLargeException}. Every other refusal fails at once with a typed
 * {@link AdminApiException} whose text names the endpoint, status and Anthropic's error but never the key.
 */
public final class AdminApiClient implements AdminReports {
    /** Cost Observatory's version, sent in the User-Agent. */
    public static final String VERSION = "0.1.0";
    /** Name and version only, as Anthropic asks integrations to identify themselves. */
    public static final String USER_AGENT = "cost-observatory/" + VERSION;
    public static final String ANTHROPIC_VERSION = "2023-06-01";
    /** Needed only to group or filter the usage report by speed. */
    public static final String FAST_MODE_BETA = "fast-mode-2026-02-01";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The most one response body may hold (32 MiB). A page of the cost report for 31 days or of the usage report for
     * a day of hours is a few MiB at most; anything larger is refused as it arrives, before it can exhaust memory.
     */
    public static final long MAX_BODY_BYTES = 32L * 1024 * 1024;

    static final String COST_REPORT_PATH = "/v1/organizations/cost_report";
    static final String USAGE_REPORT_PATH = "/v1/organizations/usage_report/messages";
    static final String WORKSPACES_PATH = "/v1/organizations/workspaces";
    static final String API_KEYS_PATH = "/v1/organizations/api_keys";
    static final List<String> COST_GROUP_BY = List.of("workspace_id", "description");
    static final int COST_MAX_DAYS_PER_PAGE = 31;
    static final int WORKSPACES_PER_PAGE = 1000;
    static final int API_KEYS_PER_PAGE = 1000;

    private static final Log LOG = Log.get(AdminApiClient.class);

    private final String base;
    private final AdminKeySource keys;
    private final HttpClient http;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RetryPolicy policy;
    private final RandomGenerator random;
    private final ReportParser parser = new ReportParser();

    /**
     * @param baseUri where the API lives; a path prefix ({@code http://127.0.0.1:8080/prefix}) is kept
     * @param keys    the admin key, re-read once after a 401
     * @param http    the HTTP client (connect timeout and proxy are its business)
     * @param clock   "now" for the complete-days check and {@code retry-after} dates
     * @param sleeper waits between attempts
     * @param policy  attempts, back-off, page cap and per-request timeout
     * @param random  jitter source; {@code nextDouble()} must be uniform in [0, 1)
     */
    public AdminApiClient(URI baseUri, AdminKeySource keys, HttpClient http, Clock clock, Sleeper sleeper,
                          RetryPolicy policy, RandomGenerator random) {
        this.base = baseOf(Objects.requireNonNull(baseUri, "baseUri"));
        this.keys = Objects.requireNonNull(keys, "keys");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Production defaults: connect timeout 5 s, 30 s per request, {@link RetryPolicy#DEFAULT}, real sleeps. */
    public static AdminApiClient create(URI baseUri, AdminKeySource keys, Clock clock) {
        return create(baseUri, keys, clock, RetryPolicy.DEFAULT);
    }

    /** Production seams (real HTTP client, real sleeps, random jitter) with a chosen retry policy. */
    public static AdminApiClient create(URI baseUri, AdminKeySource keys, Clock clock, RetryPolicy policy) {
        return new AdminApiClient(baseUri, keys, defaultHttpClient(), clock, Sleeper.SYSTEM, policy,
                // ThreadLocalRandom is safe from any thread when reached through current() on each call.
                () -> ThreadLocalRandom.current().nextLong());
    }

    public static AdminApiClient create(URI baseUri, AdminKeySource keys) {
        return create(baseUri, keys, Clock.systemUTC());
    }

    /**
     * HTTP/1.1 (requests are sequential, so HTTP/2 gains nothing and adds failure modes), a 5 s connect timeout and
     * no redirects (a redirect would carry the key to wherever it points).
     */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(DEFAULT_CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    // ---- reports --------------------------------------------------------------------------------------------------

    @Override
    public void costReport(LocalDate from, LocalDate toExclusive, Deadline deadline, PageHandler<CostDay> pages) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(toExclusive, "toExclusive");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(pages, "pages");
        if (!toExclusive.isAfter(from)) {
            throw new IllegalArgumentException("cost report window is empty: " + from + " .. " + toExclusive
                    + " (the end is exclusive and must be after the start)");
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (toExclusive.isAfter(today)) {
            throw new IllegalArgumentException("cost report window " + from + " .. " + toExclusive
                    + " reaches into a day that is not complete yet; it must end on or before today (UTC) "
                    + today);
        }
        long days = ChronoUnit.DAYS.between(from, toExclusive);
        List<Param> query = new ArrayList<>();
        query.add(new Param("starting_at", from.atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
        query.add(new Param("ending_at", toExclusive.atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
        query.add(new Param("bucket_width", "1d"));
        for (String dimension : COST_GROUP_BY) {
            query.add(new Param("group_by[]", dimension));
        }
        query.add(new Param("limit", Long.toString(Math.min(COST_MAX_DAYS_PER_PAGE, days))));
        paginate(COST_REPORT_PATH, query, Map.of(), "page", deadline, body -> {
            CostPage page = parser.parseCostPage(body);
            return new Page<>(page.days(), page.hasMore(), page.nextPage());
        }, pages);
    }

    @Override
    public void usageReport(UsageReportQuery query, Deadline deadline, PageHandler<UsageBucket> pages) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(pages, "pages");
        List<Param> params = new ArrayList<>();
        params.add(new Param("starting_at", query.startingAt().toString()));
        params.add(new Param("ending_at", query.endingAt().toString()));
        params.add(new Param("bucket_width", query.width().wire()));
        for (String dimension : query.groupBy()) {
            params.add(new Param("group_by[]", dimension));
        }
        params.add(new Param("limit", Integer.toString(query.effectiveLimit())));
        query.filters().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(filter -> filter.getValue().forEach(value ->
                        params.add(new Param(filter.getKey() + "[]", value))));
        boolean speed = query.groupBy().contains("speed") || query.filters().containsKey("speeds");
        Map<String, String> headers = speed ? Map.of("anthropic-beta", FAST_MODE_BETA) : Map.of();
        paginate(USAGE_REPORT_PATH, params, headers, "page", deadline, body -> {
            UsagePage page = parser.parseUsagePage(body, query.width());
            return new Page<>(page.buckets(), page.hasMore(), page.nextPage());
        }, pages);
    }

    @Override
    public List<Workspace> workspaces(Deadline deadline) {
        Objects.requireNonNull(deadline, "deadline");
        List<Param> query = List.of(new Param("include_archived", "true"),
                new Param("limit", Integer.toString(WORKSPACES_PER_PAGE)));
        List<Workspace> all = new ArrayList<>();
        paginate(WORKSPACES_PATH, query, Map.of(), "after_id", deadline, body -> {
            WorkspacePage page = parser.parseWorkspacePage(body);
            return new Page<>(page.workspaces(), page.hasMore(), page.lastId());
        }, (workspaces, page) -> all.addAll(workspaces));
        return List.copyOf(all);
    }

    /** No {@code status} filter: every key is listed, so old usage of archived or expired keys keeps a name. */
    @Override
    public List<ApiKey> apiKeys(Deadline deadline) {
        Objects.requireNonNull(deadline, "deadline");
        List<Param> query = List.of(new Param("limit", Integer.toString(API_KEYS_PER_PAGE)));
        List<ApiKey> all = new ArrayList<>();
        paginate(API_KEYS_PATH, query, Map.of(), "after_id", deadline, body -> {
            ApiKeyPage page = parser.parseApiKeyPage(body);
            return new Page<>(page.keys(), page.hasMore(), page.lastId());
        }, (keys, page) -> all.addAll(keys));
        return List.copyOf(all);
    }

    // ---- pagination -----------------------------------------------------------------------------------------------

    private record Page<T>(List<T> items, boolean hasMore, String cursor) {
    }

    private record Param(String name, String value) {
    }

    /**
     * Fetches page after page with the same query plus {@code cursorParam=<cursor>}, handing each fully parsed page
     * on. A page whose cursor is missing or was seen before is not handed on: it would only start a loop.
     */
    private <T> void paginate(String path, List<Param> query, Map<String, String> headers, String cursorParam,
                              Deadline deadline, Function<byte[], Page<T>> parse, PageHandler<T> handler) {
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pageNumber = 0;
        while (true) {
            pageNumber++;
            if (pageNumber > policy.maxPages()) {
                throw new PaginationException("GET " + path + ": still has_more after " + policy.maxPages()
                        + " pages (the configured maximum); stopping instead of paging forever");
            }
            List<Param> pageQuery = new ArrayList<>(query);
            if (cursor != null) {
                pageQuery.add(new Param(cursorParam, cursor));
            }
            Response response = send(path, pageQuery, headers, deadline);
            Page<T> page;
            try {
                page = parse.apply(response.body());
            } catch (ReportParseException e) {
                throw new ReportParseException("GET " + path + " page " + pageNumber + ": " + e.getMessage()
                        + requestIdSuffix(response.requestId()), response.status(), response.requestId(), e);
            }
            String next = null;
            if (page.hasMore()) {
                next = page.cursor();
                if (next == null || next.isEmpty()) {
                    throw new PaginationException("GET " + path + " page " + pageNumber
                            + ": has_more is true but no cursor for the next page was given"
                            + requestIdSuffix(response.requestId()));
                }
                if (!seen.add(next)) {
                    throw new PaginationException("GET " + path + " page " + pageNumber + ": the cursor for the "
                            + "next page was already used; the API is returning pages in a loop"
                            + requestIdSuffix(response.requestId()));
                }
            }
            LOG.debug("admin api page received", "endpoint", path, "page", pageNumber, "items", page.items().size(),
                    "has_more", page.hasMore());
            handler.accept(page.items(), pageNumber);
            if (!page.hasMore()) {
                return;
            }
            cursor = next;
        }
    }

    // ---- one request, with retries --------------------------------------------------------------------------------

    private record Response(int status, byte[] body, HttpHeaders headers) {
        String requestId() {
            return headers.firstValue("request-id").orElse(null);
        }
    }

    /** The last transient failure, for the message when retries run out. */
    private record Failure(ApiError error, IOException io) {
        String describe() {
            if (io != null) {
                String text = io.getMessage();
                return io.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : ": " + text);
            }
            return error.describe();
        }
    }

    private Response send(String path, List<Param> query, Map<String, String> extraHeaders, Deadline deadline) {
        String endpoint = "GET " + path;
        URI uri = URI.create(base + path + "?" + encode(query));
        String key = keys.current();
        boolean keyRefreshed = false;
        Failure last = null;
        // attempt counts tries against maxAttempts (the retry with a re-read key is free); sent counts requests.
        int attempt = 0;
        int sent = 0;
        while (true) {
            attempt++;
            Duration remaining = deadline.remaining();
            if (remaining.isZero()) {
                throw exhausted(endpoint, sent, last, "the deadline passed before request " + (sent + 1)
                        + " could be sent");
            }
            Duration timeout = remaining.compareTo(policy.requestTimeout()) < 0 ? remaining : policy.requestTimeout();
            Optional<Duration> serverWait = Optional.empty();
            try {
                sent++;
                Response response = exchange(uri, key, extraHeaders, timeout);
                int status = response.status();
                if (status >= 200 && status < 300) {
                    return response;
                }
                ApiError error = ApiError.from(status, response.body(), response.headers());
                if (status == 401) {
                    if (!keyRefreshed) {
                        keyRefreshed = true;
                        Optional<String> fresh = keys.refreshAfterUnauthorized();
                        if (fresh.isPresent() && !fresh.get().equals(key)) {
                            LOG.warn("admin key refused; retrying once with the re-read key", "endpoint", path,
                                    "request_id", error.requestId());
                            key = fresh.get();
                            attempt--;
                            continue;
                        }
                    }
                    throw new AuthenticationException(endpoint + " refused the admin key: " + error.describe(),
                            status, error.type(), error.message(), error.requestId());
                }
                if (!retryable(status, error, response.headers())) {
                    throw refused(endpoint, error);
                }
                last = new Failure(error, null);
                serverWait = RetryAfter.from(response.headers(), clock.instant());
            } catch (IOException e) {
                last = new Failure(ApiError.none(), e);
            }
            if (attempt >= policy.maxAttempts()) {
                throw exhausted(endpoint, sent, last, "gave up after " + sent + " attempts");
            }
            Duration wait = policy.delay(attempt, serverWait, random.nextDouble());
            Duration left = deadline.remaining();
            if (wait.compareTo(left) >= 0) {
                throw exhausted(endpoint, sent, last, "waiting " + seconds(wait) + " s"
                        + (serverWait.isPresent() ? " as the server asked (retry-after)" : "")
                        + " would pass the deadline (" + seconds(left) + " s left)");
            }
            LOG.warn("admin api request failed; retrying", "endpoint", path, "attempt", attempt,
                    "failure", last.describe(), "wait_ms", wait.toMillis());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdminApiException(endpoint + ": interrupted while waiting to retry; last failure: "
                        + last.describe(), last.error().status(), last.error().type(), last.error().message(),
                        last.error().requestId(), true, e);
            }
        }
    }

    /**
     * One HTTP exchange, bounded as a whole by {@code timeout}. The request timeout of java.net.http covers only the
     * wait for response headers; the future's timeout also covers a body that trickles in.
     */
    private Response exchange(URI uri, String key, Map<String, String> extraHeaders, Duration timeout)
            throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout)
                .header("accept", "application/json")
                .header("anthropic-version", ANTHROPIC_VERSION)
                .header("user-agent", USER_AGENT);
        extraHeaders.forEach(request::header);
        try {
            request.header("x-api-key", AdminKeys.validated(key, "the key source"));
        } catch (IllegalStateException e) {
            throw new AuthenticationException("GET " + uri.getPath() + ": " + e.getMessage(), 0, null, null, null);
        }
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request.build(), info -> new LimitedBody(info, MAX_BODY_BYTES));
        try {
            HttpResponse<byte[]> response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            byte[] body = response.body() == null ? new byte[0] : response.body();
            return new Response(response.statusCode(), body, response.headers());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HttpTimeoutException("no complete response within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new AdminApiException("GET " + uri.getPath() + ": interrupted while waiting for the response", 0,
                    null, null, null, true, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            for (Throwable link = cause; link != null; link = link.getCause()) {
                if (link instanceof BodyTooLarge tooLarge) {
                    throw new ResponseTooLargeException("GET " + uri.getPath() + ": the response body (HTTP "
                            + tooLarge.status + ") is larger than " + MAX_BODY_BYTES + " bytes, the most one page may "
                            + "be; it was not read further" + requestIdSuffix(tooLarge.requestId), tooLarge.status,
                            tooLarge.requestId, MAX_BODY_BYTES);
                }
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("request failed: " + (cause == null ? e : cause), cause == null ? e : cause);
        }
    }

    /** A body that passed the size limit; turned into a {@link ResponseTooLargeException}. */
    private static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String requestId;

        BodyTooLarge(HttpResponse.ResponseInfo info) {
            super("response body larger than " + MAX_BODY_BYTES + " bytes");
            this.status = info.statusCode();
            this.requestId = info.headers().firstValue("request-id").orElse(null);
        }
    }

    /**
     * Collects a body up to {@code max} bytes. A larger {@code content-length} is refused before anything is read; a
     * body without one (chunked) is cut off as soon as it passes the limit.
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final HttpResponse.ResponseInfo info;
        private final long max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Flow.Subscription subscription;
        private long received;

        LimitedBody(HttpResponse.ResponseInfo info, long max) {
            this.info = info;
            this.max = max;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (info.headers().firstValueAsLong("content-length").orElse(0) > max) {
                refuse();
                return;
            }
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                received += buffer.remaining();
                if (received > max) {
                    refuse();
                    return;
                }
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                out.writeBytes(bytes);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        private void refuse() {
            subscription.cancel();
            result.completeExceptionally(new BodyTooLarge(info));
        }
    }

    /** 429 and 5xx are transient unless the server says otherwise; a spend-limit 429 never is. */
    private static boolean retryable(int status, ApiError error, HttpHeaders headers) {
        if (status == 429 && error.spendLimitReached()) {
            return false;
        }
        Optional<String> shouldRetry = headers.firstValue("x-should-retry");
        if (shouldRetry.isPresent() && "false".equalsIgnoreCase(shouldRetry.get().strip())) {
            return false;
        }
        if (shouldRetry.isPresent() && "true".equalsIgnoreCase(shouldRetry.get().strip())) {
            return true;
        }
        return status == 429 || (status >= 500 && status <= 599);
    }

    private static AdminApiException refused(String endpoint, ApiError error) {
        int status = error.status();
        if (status == 403) {
            return new PermissionException(endpoint + " is not allowed for this key: " + error.describe(), status,
                    error.type(), error.message(), error.requestId());
        }
        if (status == 429 && error.spendLimitReached()) {
            return new InvalidRequestException(endpoint + " refused: the organisation's spend limit is reached, "
                    + "not retried: " + error.describe(), status, error.type(), error.message(), error.requestId());
        }
        if (status >= 400 && status < 500) {
            return new InvalidRequestException(endpoint + " was refused: " + error.describe(), status, error.type(),
                    error.message(), error.requestId());
        }
        String why = status >= 500 ? " failed and the server said not to retry (x-should-retry: false): "
                : " gave an unexpected response (redirects are not followed): ";
        return new AdminApiException(endpoint + why + error.describe(), status, error.type(), error.message(),
                error.requestId(), false, null);
    }

    private static RetriesExhaustedException exhausted(String endpoint, int sent, Failure last, String why) {
        if (last == null) {
            return new RetriesExhaustedException(endpoint + ": " + why + "; no request was sent", 0, null, null,
                    null, sent, null);
        }
        ApiError error = last.error();
        return new RetriesExhaustedException(endpoint + ": " + why + "; last failure: " + last.describe(),
                error.status(), error.type(), error.message(), error.requestId(), sent, last.io());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static String baseOf(URI uri) {
        String scheme = uri.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("the Admin API base URL must be an http(s) URL with a host, got '"
                    + Secrets.redact(uri.toString()) + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the Admin API base URL must not have a query or fragment: '"
                    + Secrets.redact(uri.toString()) + "'");
        }
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    /** {@code name=value&...}, brackets included, percent-encoded ({@code group_by%5B%5D=model}). */
    private static String encode(List<Param> params) {
        StringBuilder text = new StringBuilder();
        for (Param param : params) {
            if (!text.isEmpty()) {
                text.append('&');
            }
            text.append(encode(param.name())).append('=').append(encode(param.value()));
        }
        return text.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String seconds(Duration duration) {
        return java.math.BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private static String requestIdSuffix(String requestId) {
        return requestId == null ? "" : " (request_id " + requestId + ")";
    }

    @Override
    public String toString() {
        return "AdminApiClient[" + base + "]";
    }
}
