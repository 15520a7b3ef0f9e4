package org.costobservatory.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.domain.Workspace;

/**
 * The inverse of {@link ReportParser}: writes domain records as the Admin API's documented wire JSON, so a local
 * demo server and tests can serve realistic responses. Every documented field is written, with explicit nulls:
 * the Default workspace becomes {@code "workspace_id": null}, {@link Dimensions#NONE} becomes {@code null}, amounts
 * are strings of cents with their scale kept, cache writes go in the nested {@code cache_creation} object and web
 * searches in {@code server_tool_use}. Values are written as given, without validation, so a test can also build a
 * deliberately bad page (a negative amount, another currency) and see the parser refuse it.
 */
public final class ReportJsonWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private ReportJsonWriter() {
    }

    /** A cost report page; one bucket per day, {@code [date 00:00Z, date + 1 day 00:00Z)}. */
    public static String costPage(List<CostDay> days, boolean hasMore, String nextPage) {
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (CostDay day : days) {
                json.writeStartObject();
                Instant start = day.date().atStartOfDay(ZoneOffset.UTC).toInstant();
                json.writeStringField("starting_at", start.toString());
                json.writeStringField("ending_at", day.date().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                        .toString());
                json.writeArrayFieldStart("results");
                for (CostRow row : day.rows()) {
                    writeCostRow(json, row);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            writePaging(json, hasMore, nextPage);
            json.writeEndObject();
        });
    }

    public static String costPage(CostPage page) {
        return costPage(page.days(), page.hasMore(), page.nextPage());
    }

    /** A messages usage report page. */
    public static String usagePage(List<UsageBucket> buckets, boolean hasMore, String nextPage) {
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (UsageBucket bucket : buckets) {
                json.writeStartObject();
                json.writeStringField("starting_at", bucket.start().toString());
                json.writeStringField("ending_at", bucket.end().toString());
                json.writeArrayFieldStart("results");
                for (UsageRow row : bucket.rows()) {
                    writeUsageRow(json, row);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            writePaging(json, hasMore, nextPage);
            json.writeEndObject();
        });
    }

    public static String usagePage(UsagePage page) {
        return usagePage(page.buckets(), page.hasMore(), page.nextPage());
    }

    /**
     * A page of {@code GET /v1/organizations/workspaces}, with {@code first_id}/{@code last_id} taken from the list.
     * Fields the domain does not carry ({@code created_at}, {@code display_color}, ...) are left out.
     */
    public static String workspacesPage(List<Workspace> workspaces, boolean hasMore) {
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (Workspace workspace : workspaces) {
                json.writeStartObject();
                json.writeStringField("id", workspace.id());
                json.writeStringField("type", "workspace");
                json.writeStringField("name", workspace.name());
                nullableString(json, "archived_at", workspace.archivedAt().map(Instant::toString).orElse(null));
                json.writeEndObject();
            }
            json.writeEndArray();
            nullableString(json, "first_id", workspaces.isEmpty() ? null : workspaces.get(0).id());
            json.writeBooleanField("has_more", hasMore);
            nullableString(json, "last_id", workspaces.isEmpty() ? null : workspaces.get(workspaces.size() - 1).id());
            json.writeEndObject();
        });
    }

    /**
     * A page of {@code GET /v1/organizations/api_keys}, with {@code first_id}/{@code last_id} taken from the list. The
     * key hint, creator and dates are made up from the id; the Default workspace is {@code "workspace_id": null}.
     */
    public static String apiKeysPage(List<ApiKey> keys, boolean hasMore) {
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (ApiKey key : keys) {
                json.writeStartObject();
                json.writeStringField("id", key.id());
                json.writeStringField("type", "api_key");
                json.writeStringField("name", key.name());
                json.writeStringField("status", key.status());
                workspace(json, key.workspaceId());
                json.writeStringField("created_at", "2026-01-05T09:00:00Z");
                json.writeObjectFieldStart("created_by");
                json.writeStringField("id", "user_01Admin");
                json.writeStringField("type", "user");
                json.writeEndObject();
                json.writeNullField("expires_at");
                json.writeStringField("partial_key_hint", "sk-ant-api03-" + key.id().substring(
                        Math.max(0, key.id().length() - 3)) + "...AAAA");
                json.writeEndObject();
            }
            json.writeEndArray();
            nullableString(json, "first_id", keys.isEmpty() ? null : keys.get(0).id());
            json.writeBooleanField("has_more", hasMore);
            nullableString(json, "last_id", keys.isEmpty() ? null : keys.get(keys.size() - 1).id());
            json.writeEndObject();
        });
    }

    /** Anthropic's error shape, {@code {"type":"error","error":{"type","message"},"request_id"}}. */
    public static String errorBody(String type, String message) {
        return errorBody(type, message, "req_" + UUID.randomUUID().toString().replace("-", ""));
    }

    public static String errorBody(String type, String message, String requestId) {
        return error(type, message, requestId, null);
    }

    /** The 429 sent when the organisation's spend limit is reached; it must not be retried. */
    public static String spendLimitErrorBody(String message, String requestId) {
        return error("rate_limit_error", message, requestId, ApiError.SPEND_LIMIT_CODE);
    }

    private static String error(String type, String message, String requestId, String errorCode) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("type", "error");
            json.writeObjectFieldStart("error");
            json.writeStringField("type", type);
            json.writeStringField("message", message);
            if (errorCode != null) {
                json.writeObjectFieldStart("details");
                json.writeStringField("error_code", errorCode);
                json.writeEndObject();
            }
            json.writeEndObject();
            nullableString(json, "request_id", requestId);
            json.writeEndObject();
        });
    }

    private static void writeCostRow(JsonGenerator json, CostRow row) throws IOException {
        json.writeStartObject();
        json.writeStringField("amount", row.amountCents().toPlainString());
        dimension(json, "context_window", row.contextWindow());
        dimension(json, "cost_type", row.costType());
        json.writeStringField("currency", row.currency());
        dimension(json, "description", row.description());
        dimension(json, "inference_geo", row.inferenceGeo());
        dimension(json, "model", row.model());
        dimension(json, "service_tier", row.serviceTier());
        dimension(json, "token_type", row.tokenType());
        workspace(json, row.workspaceId());
        json.writeEndObject();
    }

    private static void writeUsageRow(JsonGenerator json, UsageRow row) throws IOException {
        json.writeStartObject();
        json.writeNullField("account_id");
        dimension(json, "api_key_id", row.apiKeyId());
        json.writeObjectFieldStart("cache_creation");
        json.writeNumberField("ephemeral_1h_input_tokens", row.cacheCreation1hInputTokens());
        json.writeNumberField("ephemeral_5m_input_tokens", row.cacheCreation5mInputTokens());
        json.writeEndObject();
        json.writeNumberField("cache_read_input_tokens", row.cacheReadInputTokens());
        dimension(json, "context_window", row.contextWindow());
        json.writeNullField("inference_geo");
        dimension(json, "model", row.model());
        json.writeNumberField("output_tokens", row.outputTokens());
        json.writeObjectFieldStart("server_tool_use");
        json.writeNumberField("web_search_requests", row.webSearchRequests());
        json.writeEndObject();
        json.writeNullField("service_account_id");
        dimension(json, "service_tier", row.serviceTier());
        json.writeNumberField("uncached_input_tokens", row.uncachedInputTokens());
        workspace(json, row.workspaceId());
        json.writeEndObject();
    }

    private static void writePaging(JsonGenerator json, boolean hasMore, String nextPage) throws IOException {
        json.writeBooleanField("has_more", hasMore);
        nullableString(json, "next_page", nextPage);
    }

    private static void dimension(JsonGenerator json, String field, String value) throws IOException {
        nullableString(json, field, Dimensions.nullIfNone(value));
    }

    private static void workspace(JsonGenerator json, String workspaceId) throws IOException {
        nullableString(json, "workspace_id", Dimensions.DEFAULT_WORKSPACE.equals(workspaceId) ? null : workspaceId);
    }

    private static void nullableString(JsonGenerator json, String field, String value) throws IOException {
        if (value == null) {
            json.writeNullField(field);
        } else {
            json.writeStringField(field, value);
        }
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            // A StringWriter does not fail; this is unreachable in practice.
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
