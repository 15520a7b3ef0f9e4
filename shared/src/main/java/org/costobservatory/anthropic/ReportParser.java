package org.costobservatory.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.domain.Workspace;

/**
 * Turns Admin API response bodies into domain records, in one streaming pass and with no {@code double} anywhere.
 * Strict about what money and token counts depend on, tolerant about everything else:
 * <ul>
 *   <li>{@code amount} is a decimal of cents: a JSON string (documented) or a JSON number (tolerated), whose text
 *       must be plain digits with an optional fraction. It becomes a {@link BigDecimal} from that text exactly, scale
 *       included. Negative, NaN, infinite, exponent forms, empty text and anything above
 *       {@link #MAX_AMOUNT_CENTS} are refused.</li>
 *   <li>{@code currency} must be present and {@code "USD"}.</li>
 *   <li>Token counts are non-negative JSON integers that fit a {@code long}; floats, strings and negatives are
 *       refused. An absent or {@code null} count, and an absent or {@code null} {@code cache_creation} or
 *       {@code server_tool_use} object, mean zero. Cache writes are read only from the nested
 *       {@code cache_creation} object; a flat {@code cache_creation_input_tokens} is not part of the report and is
 *       ignored.</li>
 *   <li>{@code has_more} and {@code data} must be present; every bucket needs RFC 3339 {@code starting_at} and
 *       {@code ending_at} one bucket apart (cost buckets: whole UTC days) and a {@code results} array; buckets must
 *       be in ascending order without overlap.</li>
 *   <li>Unknown fields are skipped, unknown enum values are kept as strings, {@code null} dimensions become the
 *       domain's explicit values ({@code workspace_id: null} is the Default workspace).</li>
 *   <li>Rows of one bucket with the same natural key are added up by {@link CostDay} and {@link UsageBucket}.</li>
 * </ul>
 * Any input, however broken, ends in a complete page or a {@link ReportParseException} naming where and why; no
 * other exception escapes. Thread-safe and stateless.
 */
public final class ReportParser {
    /** The largest amount one line may carry: 10^13 cents, i.e. $100 billion. Anything above is corrupt data. */
    public static final BigDecimal MAX_AMOUNT_CENTS = BigDecimal.TEN.pow(13);
    private static final int MAX_AMOUNT_CHARS = 40;

    private static final JsonFactory JSON = JsonFactory.builder()
            // Two "amount" keys in one row would make the value ambiguous; refuse instead of picking one.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public ReportParser() {
    }

    /** Parses one page of {@code GET /v1/organizations/cost_report}. */
    public CostPage parseCostPage(byte[] body) {
        return parse(body, "cost report", this::readCostPage);
    }

    /** Parses one page of {@code GET /v1/organizations/usage_report/messages} requested with {@code width}. */
    public UsagePage parseUsagePage(byte[] body, BucketWidth width) {
        Objects.requireNonNull(width, "width");
        return parse(body, "usage report", (parser, at) -> readUsagePage(parser, at, width));
    }

    /** Parses one page of {@code GET /v1/organizations/workspaces}. */
    public WorkspacePage parseWorkspacePage(byte[] body) {
        return parse(body, "workspace list", this::readWorkspacePage);
    }

    /** Parses one page of {@code GET /v1/organizations/api_keys}. */
    public ApiKeyPage parseApiKeyPage(byte[] body) {
        return parse(body, "API key list", this::readApiKeyPage);
    }

    @FunctionalInterface
    private interface PageReader<T> {
        T read(JsonParser parser, Position at) throws IOException;
    }

    private static <T> T parse(byte[] body, String report, PageReader<T> reader) {
        Position at = new Position(report);
        if (body == null || body.length == 0) {
            throw new ReportParseException(report + ": the response body is empty");
        }
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw at.fail(null, "the body is not a JSON object");
            }
            T page = reader.read(parser, at);
            if (parser.nextToken() != null) {
                throw at.fail(null, "unexpected content after the JSON object");
            }
            return page;
        } catch (ReportParseException e) {
            throw e;
        } catch (JsonProcessingException e) {
            // Jackson's text can quote the body, so it is carried only inside our (redacted) message, not as a cause.
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ReportParseException(at.path(null) + ": malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            // Nothing but our own exception may leave the parser, whatever the bytes.
            throw new ReportParseException(at.path(null) + ": unreadable report (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        }
    }

    // ---- the page envelope all three lists share ----------------------------------------------------------------

    /** {@code {"data": [...], "has_more": bool, <cursor>: string|null}}; unknown fields are skipped. */
    private record Envelope<T>(T data, boolean hasMore, String cursor) {
    }

    private <T> Envelope<T> readEnvelope(JsonParser parser, Position at, String cursorField, PageReader<T> dataReader)
            throws IOException {
        T data = null;
        Boolean hasMore = null;
        String cursor = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (name.equals("data")) {
                data = dataReader.read(parser, at);
            } else if (name.equals("has_more")) {
                hasMore = readBoolean(parser, at, "has_more");
            } else if (name.equals(cursorField)) {
                cursor = readNullableString(parser, at, cursorField);
            } else {
                parser.skipChildren();
            }
        }
        expectObjectEnd(token, at);
        at.leaveBuckets();
        if (data == null) {
            throw at.fail("data", "is missing");
        }
        if (hasMore == null) {
            throw at.fail("has_more", "is missing");
        }
        return new Envelope<>(data, hasMore, cursor);
    }

    // ---- cost report ----------------------------------------------------------------------------------------------

    private CostPage readCostPage(JsonParser parser, Position at) throws IOException {
        Envelope<List<CostDay>> page = readEnvelope(parser, at, "next_page", this::readCostDays);
        return new CostPage(page.data(), page.hasMore(), page.cursor());
    }

    private List<CostDay> readCostDays(JsonParser parser, Position at) throws IOException {
        CostDay[] previous = new CostDay[1];
        return readArray(parser, at, "data", at::enterBucket, "a bucket", (p, a) -> {
            CostDay day = readCostDay(p, a);
            if (previous[0] != null && !day.date().isAfter(previous[0].date())) {
                throw a.fail("starting_at", "buckets must be in ascending order without repeats, but "
                        + day.date() + " follows " + previous[0].date());
            }
            previous[0] = day;
            return day;
        });
    }

    private CostDay readCostDay(JsonParser parser, Position at) throws IOException {
        Bucket<RawCostRow> bucket = readBucket(parser, at, this::readCostRow);
        OffsetDateTime utcStart = bucket.start().atOffset(ZoneOffset.UTC);
        if (!utcStart.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            throw at.fail("starting_at", bucket.start() + " is not midnight UTC; cost buckets are whole UTC days");
        }
        if (!bucket.end().equals(bucket.start().plus(Duration.ofDays(1)))) {
            throw at.fail("ending_at", bucket.end() + " is not one day after starting_at " + bucket.start());
        }
        LocalDate date = utcStart.toLocalDate();
        return new CostDay(date, bucket.rows().stream().map(raw -> raw.toRow(date)).toList());
    }

    private RawCostRow readCostRow(JsonParser parser, Position at) throws IOException {
        RawCostRow row = new RawCostRow();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "amount" -> row.amount = readAmount(parser, at);
                case "currency" -> row.currency = readNullableString(parser, at, "currency");
                case "workspace_id" -> row.workspaceId = readNullableString(parser, at, "workspace_id");
                case "description" -> row.description = readNullableString(parser, at, "description");
                case "cost_type" -> row.costType = readNullableString(parser, at, "cost_type");
                case "model" -> row.model = readNullableString(parser, at, "model");
                case "service_tier" -> row.serviceTier = readNullableString(parser, at, "service_tier");
                case "token_type" -> row.tokenType = readNullableString(parser, at, "token_type");
                case "context_window" -> row.contextWindow = readNullableString(parser, at, "context_window");
                case "inference_geo" -> row.inferenceGeo = readNullableString(parser, at, "inference_geo");
                default -> parser.skipChildren();
            }
        }
        expectObjectEnd(token, at);
        if (row.amount == null) {
            throw at.fail("amount", "is missing");
        }
        if (row.currency == null) {
            throw at.fail("currency", "is missing");
        }
        if (!"USD".equals(row.currency)) {
            throw at.fail("currency", "is \"" + clip(row.currency) + "\"; only USD amounts are supported");
        }
        return row;
    }

    /** Text of a plain non-negative decimal ("123", "527.999760"), turned into cents exactly. */
    private static BigDecimal readAmount(JsonParser parser, Position at) throws IOException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NUMBER_INT
                && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw at.fail("amount", "must be a decimal string of cents, got " + describe(token));
        }
        String text = parser.getText();
        if (text.isEmpty()) {
            throw at.fail("amount", "is empty");
        }
        if (text.charAt(0) == '-') {
            throw at.fail("amount", "is negative (\"" + clip(text) + "\")");
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("nan") || lower.contains("inf")) {
            throw at.fail("amount", "is not a finite number (\"" + clip(text) + "\")");
        }
        if (!isPlainDecimal(text)) {
            throw at.fail("amount", "is not a plain decimal number of cents (\"" + clip(text) + "\")");
        }
        BigDecimal cents = new BigDecimal(text);
        if (cents.compareTo(MAX_AMOUNT_CENTS) > 0) {
            throw at.fail("amount", "is implausibly large (\"" + clip(text) + "\" cents is more than 10^13)");
        }
        return cents;
    }

    /** Digits, optionally a dot and more digits; nothing else (no sign, exponent, spaces or leading dot). */
    static boolean isPlainDecimal(String text) {
        int length = text.length();
        if (length == 0 || length > MAX_AMOUNT_CHARS) {
            return false;
        }
        int dot = -1;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (dot >= 0 || i == 0 || i == length - 1) {
                    return false;
                }
                dot = i;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static final class RawCostRow {
        BigDecimal amount;
        String currency;
        String workspaceId;
        String description;
        String costType;
        String model;
        String serviceTier;
        String tokenType;
        String contextWindow;
        String inferenceGeo;

        CostRow toRow(LocalDate date) {
            return new CostRow(date, workspaceId, description, costType, model, serviceTier, tokenType,
                    contextWindow, inferenceGeo, currency, amount);
        }
    }

    // ---- usage report ---------------------------------------------------------------------------------------------

    private UsagePage readUsagePage(JsonParser parser, Position at, BucketWidth width) throws IOException {
        Envelope<List<UsageBucket>> page = readEnvelope(parser, at, "next_page",
                (p, a) -> readUsageBuckets(p, a, width));
        return new UsagePage(page.data(), page.hasMore(), page.cursor());
    }

    private List<UsageBucket> readUsageBuckets(JsonParser parser, Position at, BucketWidth width)
            throws IOException {
        UsageBucket[] previous = new UsageBucket[1];
        return readArray(parser, at, "data", at::enterBucket, "a bucket", (p, a) -> {
            UsageBucket bucket = readUsageBucket(p, a, width);
            if (previous[0] != null && bucket.start().isBefore(previous[0].end())) {
                throw a.fail("starting_at", "buckets must be in ascending order without overlap, but "
                        + bucket.start() + " starts before the previous bucket ends at " + previous[0].end());
            }
            previous[0] = bucket;
            return bucket;
        });
    }

    private UsageBucket readUsageBucket(JsonParser parser, Position at, BucketWidth width) throws IOException {
        Bucket<RawUsageRow> bucket = readBucket(parser, at, this::readUsageRow);
        if (!Duration.between(bucket.start(), bucket.end()).equals(width.length())) {
            throw at.fail("ending_at", "bucket " + bucket.start() + " .. " + bucket.end() + " is not one "
                    + width.wire() + " bucket long");
        }
        try {
            return new UsageBucket(bucket.start(), bucket.end(), bucket.rows().stream()
                    .map(raw -> raw.toRow(bucket.start())).toList());
        } catch (ArithmeticException e) {
            throw at.fail("results", "has rows with the same key whose token counts overflow a long when added");
        }
    }

    private RawUsageRow readUsageRow(JsonParser parser, Position at) throws IOException {
        RawUsageRow row = new RawUsageRow();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "workspace_id" -> row.workspaceId = readNullableString(parser, at, "workspace_id");
                case "api_key_id" -> row.apiKeyId = readNullableString(parser, at, "api_key_id");
                case "model" -> row.model = readNullableString(parser, at, "model");
                case "service_tier" -> row.serviceTier = readNullableString(parser, at, "service_tier");
                case "context_window" -> row.contextWindow = readNullableString(parser, at, "context_window");
                case "uncached_input_tokens" -> row.uncached = readCount(parser, at, "uncached_input_tokens");
                case "cache_read_input_tokens" -> row.cacheRead = readCount(parser, at, "cache_read_input_tokens");
                case "output_tokens" -> row.output = readCount(parser, at, "output_tokens");
                case "cache_creation" -> readCacheCreation(parser, at, row);
                case "server_tool_use" -> readServerToolUse(parser, at, row);
                // Dimensions the domain does not store yet (account_id, inference_geo, speed, ...) are string or
                // null; rows they split are merged back by key.
                default -> parser.skipChildren();
            }
        }
        expectObjectEnd(token, at);
        return row;
    }

    private static void readCacheCreation(JsonParser parser, Position at, RawUsageRow row) throws IOException {
        readCounts(parser, at, "cache_creation", Map.of(
                "ephemeral_5m_input_tokens", count -> row.cacheWrite5m = count,
                "ephemeral_1h_input_tokens", count -> row.cacheWrite1h = count));
    }

    private static void readServerToolUse(JsonParser parser, Position at, RawUsageRow row) throws IOException {
        readCounts(parser, at, "server_tool_use", Map.of("web_search_requests", count -> row.webSearches = count));
    }

    /** A nested object of token counts; {@code null} means zeros, and fields not named here are skipped. */
    private static void readCounts(JsonParser parser, Position at, String object, Map<String, LongConsumer> fields)
            throws IOException {
        if (!enterOptionalObject(parser, at, object)) {
            return;
        }
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            LongConsumer field = fields.get(name);
            if (field != null) {
                field.accept(readCount(parser, at, object + "." + name));
            } else {
                parser.skipChildren();
            }
        }
        expectObjectEnd(token, at);
    }

    private static final class RawUsageRow {
        String workspaceId;
        String apiKeyId;
        String model;
        String serviceTier;
        String contextWindow;
        long uncached;
        long cacheRead;
        long cacheWrite5m;
        long cacheWrite1h;
        long output;
        long webSearches;

        UsageRow toRow(Instant bucketStart) {
            return new UsageRow(bucketStart, workspaceId, apiKeyId, model, serviceTier, contextWindow, uncached,
                    cacheRead, cacheWrite5m, cacheWrite1h, output, webSearches);
        }
    }

    // ---- workspaces -----------------------------------------------------------------------------------------------

    private WorkspacePage readWorkspacePage(JsonParser parser, Position at) throws IOException {
        Envelope<List<Workspace>> page = readListPage(parser, at, "a workspace", ReportParser::readWorkspace);
        return new WorkspacePage(page.data(), page.hasMore(), page.cursor());
    }

    /** A page of an organisation list (workspaces, API keys): {@code data}, {@code has_more}, {@code last_id}. */
    private <T> Envelope<List<T>> readListPage(JsonParser parser, Position at, String what, PageReader<T> element)
            throws IOException {
        return readEnvelope(parser, at, "last_id", (p, position) -> readArray(p, position, "data",
                position::enterBucket, what, element));
    }

    private static Workspace readWorkspace(JsonParser parser, Position at) throws IOException {
        String id = null;
        String name = null;
        Instant archivedAt = null;
        JsonToken field;
        while ((field = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String fieldName = parser.currentName();
            parser.nextToken();
            switch (fieldName) {
                case "id" -> id = readNullableString(parser, at, "id");
                case "name" -> name = readNullableString(parser, at, "name");
                case "archived_at" -> archivedAt = parser.currentToken() == JsonToken.VALUE_NULL ? null
                        : readInstant(parser, at, "archived_at");
                default -> parser.skipChildren();
            }
        }
        expectObjectEnd(field, at);
        if (id == null || id.isBlank()) {
            throw at.fail("id", "is missing");
        }
        return new Workspace(id, name == null || name.isBlank() ? id : name, Optional.ofNullable(archivedAt));
    }

    // ---- API keys -------------------------------------------------------------------------------------------------

    private ApiKeyPage readApiKeyPage(JsonParser parser, Position at) throws IOException {
        Envelope<List<ApiKey>> page = readListPage(parser, at, "an API key", ReportParser::readApiKey);
        return new ApiKeyPage(page.data(), page.hasMore(), page.cursor());
    }

    /** Only what names a key; the key hint, creator and dates are skipped. */
    private static ApiKey readApiKey(JsonParser parser, Position at) throws IOException {
        String id = null;
        String name = null;
        String status = null;
        String workspaceId = null;
        JsonToken field;
        while ((field = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String fieldName = parser.currentName();
            parser.nextToken();
            switch (fieldName) {
                case "id" -> id = readNullableString(parser, at, "id");
                case "name" -> name = readNullableString(parser, at, "name");
                case "status" -> status = readNullableString(parser, at, "status");
                case "workspace_id" -> workspaceId = readNullableString(parser, at, "workspace_id");
                default -> parser.skipChildren();
            }
        }
        expectObjectEnd(field, at);
        if (id == null || id.isBlank()) {
            throw at.fail("id", "is missing");
        }
        return new ApiKey(id, name == null || name.isBlank() ? id : name, status == null ? "unknown" : status,
                workspaceId == null ? Dimensions.DEFAULT_WORKSPACE : workspaceId);
    }

    // ---- shared readers -------------------------------------------------------------------------------------------

    /** A time bucket as both reports send it: its bounds and its results, read by {@code rowReader}. */
    private record Bucket<R>(Instant start, Instant end, List<R> rows) {
    }

    private static <R> Bucket<R> readBucket(JsonParser parser, Position at, PageReader<R> rowReader)
            throws IOException {
        Instant start = null;
        Instant end = null;
        List<R> rows = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "starting_at" -> start = readInstant(parser, at, "starting_at");
                case "ending_at" -> end = readInstant(parser, at, "ending_at");
                case "results" -> {
                    rows = readArray(parser, at, "results", at::enterRow, "a result", rowReader);
                    at.leaveRows();
                }
                default -> parser.skipChildren();
            }
        }
        expectObjectEnd(token, at);
        at.leaveRows();
        requireBucketBounds(at, start, end, rows != null);
        return new Bucket<>(start, end, rows);
    }

    /**
     * A JSON array of objects, each read by {@code element}; {@code enter} tells the position which element is being
     * read, so errors name it ({@code data[2]}, {@code results[5]}).
     */
    private static <T> List<T> readArray(JsonParser parser, Position at, String field, IntConsumer enter,
                                         String what, PageReader<T> element) throws IOException {
        expectArray(parser, at, field);
        List<T> items = new ArrayList<>();
        JsonToken token;
        while ((token = nextInArray(parser, at)) != JsonToken.END_ARRAY) {
            enter.accept(items.size());
            if (token != JsonToken.START_OBJECT) {
                throw at.fail(null, what + " must be a JSON object, got " + describe(token));
            }
            items.add(element.read(parser, at));
        }
        return items;
    }

    private static void requireBucketBounds(Position at, Instant start, Instant end, boolean hasResults) {
        if (start == null) {
            throw at.fail("starting_at", "is missing");
        }
        if (end == null) {
            throw at.fail("ending_at", "is missing");
        }
        if (!hasResults) {
            throw at.fail("results", "is missing");
        }
    }

    private static long readCount(JsonParser parser, Position at, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw at.fail(field, "must be a whole number of tokens, got " + describe(token)
                    + (token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_STRING
                    ? " (\"" + clip(parser.getText()) + "\")" : ""));
        }
        JsonParser.NumberType type = parser.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw at.fail(field, "is too large for a token count (\"" + clip(parser.getText()) + "\")");
        }
        long value = parser.getLongValue();
        if (value < 0) {
            throw at.fail(field, "is negative (" + value + ")");
        }
        return value;
    }

    private static boolean readBoolean(JsonParser parser, Position at, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (token == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw at.fail(field, "must be true or false, got " + describe(token));
    }

    private static String readNullableString(JsonParser parser, Position at, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw at.fail(field, "must be a string or null, got " + describe(token));
        }
        return parser.getText();
    }

    private static Instant readInstant(JsonParser parser, Position at, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_STRING) {
            throw at.fail(field, "must be an RFC 3339 timestamp string, got " + describe(token));
        }
        String text = parser.getText();
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw at.fail(field, "\"" + clip(text) + "\" is not an RFC 3339 timestamp");
        }
    }

    /** True when positioned on an object to read, false on null (meaning zeros); anything else is refused. */
    private static boolean enterOptionalObject(JsonParser parser, Position at, String field) {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        if (token != JsonToken.START_OBJECT) {
            throw at.fail(field, "must be an object, got " + describe(token));
        }
        return true;
    }

    private static void expectArray(JsonParser parser, Position at, String field) {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.START_ARRAY) {
            throw at.fail(field, "must be an array, got " + describe(token));
        }
    }

    private static JsonToken nextInArray(JsonParser parser, Position at) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw at.fail(null, "the body ends inside an array (truncated)");
        }
        return token;
    }

    private static void expectObjectEnd(JsonToken token, Position at) {
        if (token != JsonToken.END_OBJECT) {
            throw at.fail(null, token == null ? "the body ends inside an object (truncated)"
                    : "unexpected " + describe(token) + " inside an object");
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the body";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    private static String clip(String text) {
        return text.length() <= MAX_AMOUNT_CHARS ? text : text.substring(0, MAX_AMOUNT_CHARS) + "...";
    }

    /** Where in the body the parser is, for messages such as {@code data[2].results[5].amount}. */
    private static final class Position {
        private final String report;
        private int bucket = -1;
        private int row = -1;

        Position(String report) {
            this.report = report;
        }

        void enterBucket(int index) {
            bucket = index;
            row = -1;
        }

        void enterRow(int index) {
            row = index;
        }

        void leaveRows() {
            row = -1;
        }

        void leaveBuckets() {
            bucket = -1;
            row = -1;
        }

        String path(String field) {
            StringBuilder text = new StringBuilder(report);
            if (bucket >= 0) {
                text.append(": data[").append(bucket).append(']');
                if (row >= 0) {
                    text.append(".results[").append(row).append(']');
                }
                if (field != null) {
                    text.append('.').append(field);
                }
            } else if (field != null) {
                text.append(": ").append(field);
            }
            return text.toString();
        }

        ReportParseException fail(String field, String problem) {
            return new ReportParseException(field == null ? path(null) + ": " + problem : path(field) + " " + problem);
        }
    }
}
