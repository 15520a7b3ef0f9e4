package org.costobservatory.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.costobservatory.domain.ClientEstimate;
import org.costobservatory.domain.Decimals;
import org.costobservatory.json.Json;

/**
 * The wire format of client-side estimates: JSON Lines, one object per call or run. Every line is read and checked
 * before anything is stored, so a body with one bad line is refused as a whole, with the line number and field named.
 * <pre>
 * {"time": "2026-11-09T14:05:00Z", "cost_usd": 0.4213, "model": "claude-sonnet-4-6", "workspace_id": "default",
 *  "api_key_id": "apikey_01...", "run_id": "run-8812", "source": "agent-sdk", "input_tokens": 1200,
 *  "output_tokens": 800, "cache_read_input_tokens": 40000, "cache_creation_input_tokens": 2000}
 * </pre>
 * Only {@code time} and {@code cost_usd} are required.
 */
public final class EstimateLines {
    /** The largest body accepted (about 5,000 records of ordinary size). */
    public static final int MAX_BODY = 1024 * 1024;
    public static final int MAX_LINES = 10_000;
    static final int MAX_LINE = 8 * 1024;
    /** Dollars per record: below $10 million, to a millionth of a cent. */
    private static final int COST_DIGITS = 7;
    private static final int COST_SCALE = 8;
    private static final int TOKEN_DIGITS = 15;
    private static final Instant EARLIEST = Instant.parse("2020-01-01T00:00:00Z");
    private static final Set<String> FIELDS = Set.of("time", "cost_usd", "model", "workspace_id", "api_key_id",
            "run_id", "source", "input_tokens", "output_tokens", "cache_read_input_tokens",
            "cache_creation_input_tokens");
    private static final Pattern MODEL = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$");
    private static final Pattern WORKSPACE = Pattern.compile("^(default|wrkspc_[A-Za-z0-9_-]{1,128})$");
    private static final Pattern API_KEY = Pattern.compile("^apikey_[A-Za-z0-9_-]{1,128}$");
    private static final Pattern RUN_ID = Pattern.compile("^[A-Za-z0-9._:@/+=-]{1,200}$");
    private static final Pattern SOURCE = Pattern.compile("^[A-Za-z0-9._ :/@+()-]{1,64}$");
    private static final Pattern PRINTABLE_FIELD = Pattern.compile("^[A-Za-z0-9_.-]{1,40}$");

    private EstimateLines() {
    }

    /**
     * Every record of the body, in order.
     *
     * @param now records dated more than a day after it are refused (a clock or unit mistake)
     * @throws BadRequest naming the first bad line and field
     */
    public static List<ClientEstimate> parse(byte[] body, Instant now) {
        if (body.length > MAX_BODY) {
            throw new BadRequest("the body is larger than " + MAX_BODY + " bytes; send the records in several "
                    + "requests");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new BadRequest("the body is not valid UTF-8");
        }
        String[] lines = text.split("\n", -1);
        List<ClientEstimate> estimates = new ArrayList<>();
        Map<String, Integer> runLines = new HashMap<>();
        Map<String, ClientEstimate> runRecords = new HashMap<>();
        int count = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) {
                continue;
            }
            int number = i + 1;
            if (++count > MAX_LINES) {
                throw new BadRequest("line " + number + ": a body holds at most " + MAX_LINES + " records");
            }
            ClientEstimate estimate = record(line, number, now);
            String identity = estimate.date() + "#" + estimate.identity();
            if (estimate.runId().isPresent()) {
                Integer first = runLines.putIfAbsent(identity, number);
                if (first != null && !runRecords.get(identity).equals(estimate)) {
                    throw new BadRequest("line " + number + ", run_id: '" + estimate.runId().get() + "' is already on "
                            + "line " + first + " with other figures; one record per run");
                }
                runRecords.putIfAbsent(identity, estimate);
            }
            estimates.add(estimate);
        }
        if (estimates.isEmpty()) {
            throw new BadRequest("the body holds no records: send JSON Lines, one estimate per line, e.g. "
                    + "{\"time\": \"2026-11-09T14:05:00Z\", \"cost_usd\": 0.42}");
        }
        return estimates;
    }

    private static ClientEstimate record(String line, int number, Instant now) {
        String at = "line " + number;
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_LINE) {
            throw new BadRequest(at + ": longer than " + MAX_LINE + " bytes");
        }
        JsonNode root;
        try {
            Json.readBody(bytes);
            try (JsonParser parser = Json.mapper().getFactory().createParser(bytes)) {
                parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                root = Json.mapper().readTree(parser);
                if (parser.nextToken() != null) {
                    throw new BadRequest(at + ": holds more than one JSON value; one record per line");
                }
            }
        } catch (Json.UnreadableNumber e) {
            throw new BadRequest(at + ", " + e.field() + ": must be a number within range");
        } catch (IOException e) {
            throw new BadRequest(at + ": is not valid JSON (or repeats a field)");
        }
        if (root == null || !root.isObject()) {
            throw new BadRequest(at + ": must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                String shown = PRINTABLE_FIELD.matcher(field).matches() ? "'" + field + "'" : "a field";
                throw new BadRequest(at + ": " + shown + " is not an estimate field (known: "
                        + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        Instant time = time(root.get("time"), at, now);
        BigDecimal cost = cost(root.get("cost_usd"), at);
        return new ClientEstimate(time, cost, text(root, "model", MODEL, at, "must be a model id"),
                text(root, "workspace_id", WORKSPACE, at, "must be 'default' or a workspace id (wrkspc_...)"),
                text(root, "api_key_id", API_KEY, at, "must be an API key id (apikey_...)"),
                text(root, "run_id", RUN_ID, at, "must be 1 to 200 characters of A-Z a-z 0-9 . _ : @ / + = -"),
                text(root, "source", SOURCE, at, "must be 1 to 64 plain characters, e.g. agent-sdk"),
                tokens(root, "input_tokens", at), tokens(root, "output_tokens", at),
                tokens(root, "cache_read_input_tokens", at), tokens(root, "cache_creation_input_tokens", at));
    }

    private static Instant time(JsonNode node, String at, Instant now) {
        if (node == null || node.isNull()) {
            throw new BadRequest(at + ", time: is required (RFC 3339, e.g. 2026-11-09T14:05:00Z)");
        }
        if (!node.isTextual() || node.asText().length() > 40) {
            throw new BadRequest(at + ", time: must be an RFC 3339 time such as 2026-11-09T14:05:00Z");
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(node.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequest(at + ", time: must be an RFC 3339 time with its offset, such as "
                    + "2026-11-09T14:05:00Z");
        }
        if (time.isBefore(EARLIEST) || time.isAfter(now.plusSeconds(86_400))) {
            throw new BadRequest(at + ", time: must be between 2020-01-01 and tomorrow");
        }
        return time;
    }

    private static BigDecimal cost(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            throw new BadRequest(at + ", cost_usd: is required");
        }
        BigDecimal value;
        try {
            if (node.isNumber()) {
                value = Decimals.bounded(node.decimalValue(), COST_DIGITS, COST_SCALE);
            } else if (node.isTextual()) {
                value = Decimals.parse(node.asText(), COST_DIGITS, COST_SCALE);
            } else {
                throw new BadRequest(at + ", cost_usd: must be a number of US dollars");
            }
        } catch (Decimals.OutOfBounds e) {
            throw new BadRequest(at + ", cost_usd: " + e.getMessage());
        }
        if (value.signum() < 0) {
            throw new BadRequest(at + ", cost_usd: must not be negative");
        }
        return value;
    }

    private static Optional<String> text(JsonNode root, String field, Pattern pattern, String at, String rule) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || !pattern.matcher(node.asText()).matches()) {
            throw new BadRequest(at + ", " + field + ": " + rule);
        }
        return Optional.of(node.asText());
    }

    private static Optional<Long> tokens(JsonNode root, String field, String at) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isNumber()) {
            throw new BadRequest(at + ", " + field + ": must be a whole number");
        }
        try {
            BigDecimal value = Decimals.bounded(node.decimalValue(), TOKEN_DIGITS, 0);
            if (value.signum() < 0) {
                throw new BadRequest(at + ", " + field + ": must not be negative");
            }
            return Optional.of(value.longValueExact());
        } catch (Decimals.OutOfBounds e) {
            throw new BadRequest(at + ", " + field + ": " + e.getMessage());
        }
    }
}
