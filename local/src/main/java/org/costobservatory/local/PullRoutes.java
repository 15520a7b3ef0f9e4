package org.costobservatory.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import org.costobservatory.anthropic.AdminApiException;
import org.costobservatory.anthropic.AuthenticationException;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.api.InvalidFieldException;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestProgress;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.json.Json;

/**
 * Local-only routes: {@code POST /v1/pulls} runs a backfill with the same jobs as the Lambdas and answers with its
 * summary; {@code GET /v1/pulls/current} shows the progress of the pull under way.
 */
final class PullRoutes {
    private static final Set<String> FIELDS = Set.of("report", "from", "to");

    private final Ingest ingest;

    PullRoutes(Ingest ingest) {
        this.ingest = ingest;
    }

    Optional<ApiResponse> handle(ApiRequest request) {
        if (request.path().equals("/v1/pulls")) {
            return Optional.of("POST".equals(request.method()) ? pull(request)
                    : ApiResponse.error(405, "method_not_allowed", "allowed methods: POST"));
        }
        if (request.path().equals("/v1/pulls/current")) {
            return Optional.of("GET".equals(request.method()) ? current()
                    : ApiResponse.error(405, "method_not_allowed", "allowed methods: GET"));
        }
        return Optional.empty();
    }

    private ApiResponse pull(ApiRequest request) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(request.body());
        } catch (IOException e) {
            return ApiResponse.invalid("the body must be JSON: {\"report\": \"cost\"|\"usage\", \"from\": "
                    + "\"YYYY-MM-DD\", \"to\": \"YYYY-MM-DD\"}");
        }
        if (body == null || !body.isObject()) {
            return ApiResponse.invalid("the body must be a JSON object with report, from and to");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return ApiResponse.invalid(InvalidFieldException.printable(name) + ": not a pull field (report, from, "
                        + "to)");
            }
        }
        ReportKind report;
        try {
            report = ReportKind.fromId(body.path("report").asText(""));
        } catch (IllegalArgumentException e) {
            return ApiResponse.invalid("report: must be cost or usage");
        }
        IngestRequest.Backfill backfill;
        try {
            backfill = new IngestRequest.Backfill(date(body, "from"), date(body, "to"));
        } catch (IllegalArgumentException e) {
            return ApiResponse.invalid(e.getMessage());
        }
        try {
            Optional<IngestSummary> summary = ingest.runIfIdle(report, backfill, IngestProgress.NONE);
            if (summary.isEmpty()) {
                return ApiResponse.error(409, "conflict", "another pull is running; see GET /v1/pulls/current");
            }
            return ApiResponse.json(200, summary.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApiResponse.error(503, "interrupted", "the pull was interrupted");
        } catch (IllegalArgumentException e) {
            return ApiResponse.invalid(e.getMessage());
        } catch (AuthenticationException e) {
            return ApiResponse.error(502, "upstream_authentication_error", e.getMessage());
        } catch (AdminApiException e) {
            return ApiResponse.error(502, "upstream_error", e.getMessage());
        }
    }

    private ApiResponse current() {
        ObjectNode root = Json.mapper().createObjectNode();
        Optional<Ingest.Progress> progress = ingest.current();
        root.put("running", progress.isPresent());
        progress.ifPresent(p -> {
            root.put("report", p.report());
            root.put("done", p.done());
            root.put("total", p.total());
            root.put("started_at", p.startedAt().toString());
        });
        return ApiResponse.json(200, root);
    }

    private static LocalDate date(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(field + ": required, as \"YYYY-MM-DD\"");
        }
        try {
            return LocalDate.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": must be a date as YYYY-MM-DD");
        }
    }
}
