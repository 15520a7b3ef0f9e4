package org.costobservatory.functions.usagereport.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.costobservatory.anthropic.AdminApiClient;
import org.costobservatory.anthropic.BucketWidth;
import org.costobservatory.anthropic.ReportJsonWriter;
import org.costobservatory.anthropic.ReportParser;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.anthropic.UsagePage;
import org.costobservatory.config.Config;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.ingest.IngestRequest;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.ingest.UsageReportJob;
import org.costobservatory.log.Log;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.dynamodb.DynamoDbReportStore;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.time.Deadline;
import org.costobservatory.wiring.Components;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Ingests a month of hourly usage (about 1,000 rows an hour) from a local stand-in of the Admin API into DynamoDB
 * Local and prints rows per second for each step against its bare baseline. Run with
 * {@code scripts/bench-ingest.sh [days] [rows-per-hour]}; this is a measurement, not a test.
 */
public final class IngestBenchmark {
    private static final String KEY = "sk-ant-admin01-benchmark-0000000000000000";

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int rowsPerHour = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Log.setLevel(Log.Level.WARN);
        LocalDate first = LocalDate.parse("2026-10-01");
        Instant start = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        System.out.printf(Locale.ROOT, "Cost Observatory ingest benchmark: %d days x 24 hours x %d rows = %,d rows%n",
                days, rowsPerHour, (long) days * 24 * rowsPerHour);

        // One page per day, exactly as the API would send it (24 one-hour buckets, limit=24).
        List<byte[]> pages = new ArrayList<>();
        long bytes = 0;
        for (int d = 0; d < days; d++) {
            List<UsageBucket> buckets = new ArrayList<>();
            for (int h = 0; h < 24; h++) {
                Instant hour = start.plus(Duration.ofHours(d * 24L + h));
                buckets.add(new UsageBucket(hour, hour.plus(Duration.ofHours(1)), rows(hour, rowsPerHour)));
            }
            boolean more = d + 1 < days;
            byte[] page = ReportJsonWriter.usagePage(buckets, more, more ? token(start.plus(Duration.ofDays(d + 1L)))
                    : null).getBytes(StandardCharsets.UTF_8);
            pages.add(page);
            bytes += page.length;
        }
        long totalRows = (long) days * 24 * rowsPerHour;
        System.out.printf(Locale.ROOT, "wire format: %,d pages, %.1f MB%n%n", pages.size(), bytes / 1e6);

        // (a) our parse
        ReportParser parser = new ReportParser();
        for (int i = 0; i < Math.min(3, pages.size()); i++) {
            parser.parseUsagePage(pages.get(i), BucketWidth.HOUR);   // warm-up
        }
        List<UsagePage> parsed = new ArrayList<>();
        long t0 = System.nanoTime();
        for (byte[] page : pages) {
            parsed.add(parser.parseUsagePage(page, BucketWidth.HOUR));
        }
        double parseSeconds = seconds(t0);

        // (b) a bare Jackson streaming pass over the same bytes
        JsonFactory factory = new JsonFactory();
        long tokens = 0;
        for (int i = 0; i < Math.min(3, pages.size()); i++) {
            tokens += stream(factory, pages.get(i));
        }
        t0 = System.nanoTime();
        for (byte[] page : pages) {
            tokens += stream(factory, page);
        }
        double streamSeconds = seconds(t0);

        DynamoDbLocal local = DynamoDbLocal.shared();
        DynamoDbClient dynamo = local.client();
        UsagePricer pricer = new UsagePricer(PriceTable.bundled());

        // Warm DynamoDB Local and both write paths up on a scratch table so JIT start-up is not billed to a step.
        DynamoDbReportStore scratch = new DynamoDbReportStore(dynamo, local.newTable());
        String scratchBare = local.newTable();
        RunInfo warmRun = RunInfo.manual(org.costobservatory.domain.ReportKind.USAGE, Instant.now());
        for (UsageBucket bucket : parsed.get(0).buckets().subList(0, Math.min(6, parsed.get(0).buckets().size()))) {
            List<PricedUsageRow> priced = new ArrayList<>();
            List<WriteRequest> puts = new ArrayList<>();
            for (UsageRow row : bucket.rows()) {
                priced.add(new PricedUsageRow(row, pricer.price(row)));
                puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(bareItem(row)).build()).build());
            }
            scratch.replaceUsageHour(bucket.start(), priced, warmRun);
            for (int i = 0; i < puts.size(); i += 25) {
                writeAll(dynamo, scratchBare, puts.subList(i, Math.min(puts.size(), i + 25)));
            }
        }

        // (c) our store step: replace every hour (rows, header, rollups, clean-up)
        DynamoDbReportStore store = new DynamoDbReportStore(dynamo, local.newTable());
        RunInfo run = RunInfo.manual(org.costobservatory.domain.ReportKind.USAGE, Instant.now());
        t0 = System.nanoTime();
        for (UsagePage page : parsed) {
            for (UsageBucket bucket : page.buckets()) {
                List<PricedUsageRow> priced = new ArrayList<>(bucket.rows().size());
                for (UsageRow row : bucket.rows()) {
                    priced.add(new PricedUsageRow(row, pricer.price(row)));
                }
                store.replaceUsageHour(bucket.start(), priced, run);
            }
        }
        double storeSeconds = seconds(t0);

        // (d) bare BatchWriteItem of the same number of items of the same shape
        String bareTable = local.newTable();
        t0 = System.nanoTime();
        List<WriteRequest> batch = new ArrayList<>(25);
        long written = 0;
        for (UsagePage page : parsed) {
            for (UsageBucket bucket : page.buckets()) {
                for (UsageRow row : bucket.rows()) {
                    batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(bareItem(row)).build())
                            .build());
                    if (batch.size() == 25) {
                        writeAll(dynamo, bareTable, batch);
                        written += batch.size();
                        batch = new ArrayList<>(25);
                    }
                }
            }
        }
        if (!batch.isEmpty()) {
            writeAll(dynamo, bareTable, batch);
            written += batch.size();
        }
        double bareSeconds = seconds(t0);

        // (e) the whole run: the real job and client against an HTTP stand-in serving the same pages
        parsed.clear();
        HttpServer standIn = standIn(pages, start);
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(dynamo).clock(Clock.fixed(start.plus(Duration.ofDays(days)).plus(Duration.ofMinutes(10)),
                        ZoneOffset.UTC))
                .adminReports(() -> AdminApiClient.create(URI.create("http://127.0.0.1:"
                        + standIn.getAddress().getPort()), new StaticAdminKey(KEY)))
                .alertPublisher(message -> "none").build();
        UsageReportJob job = components.usageReportJob();
        t0 = System.nanoTime();
        IngestSummary summary = job.run(new IngestRequest.Backfill(first, first.plusDays(days - 1L)),
                Deadline.none(Clock.systemUTC()));
        double jobSeconds = seconds(t0);
        standIn.stop(0);

        System.out.printf(Locale.ROOT, "%-52s %12s %12s%n", "step", "rows/s", "seconds");
        row("(a) our parse (ReportParser, streaming)", totalRows, parseSeconds);
        row("(b) bare Jackson streaming pass, same bytes", totalRows, streamSeconds);
        row("(c) our store step (replaceUsageHour, with rollups)", totalRows, storeSeconds);
        row("(d) bare BatchWriteItem, same number of items", written, bareSeconds);
        row("(e) whole run: HTTP stand-in -> job -> DynamoDB", summary.rowsStored(), jobSeconds);
        System.out.printf(Locale.ROOT, "%nratios: parse/bare = %.2f, store/bare = %.2f (1.00 = as fast as bare)%n",
                streamSeconds / parseSeconds, bareSeconds / storeSeconds);
        System.out.printf(Locale.ROOT, "(%,d JSON tokens in the bare pass; %,d rows stored by the whole run)%n",
                tokens, summary.rowsStored());
        System.exit(0);
    }

    /** About {@code count} distinct lines: 10 workspaces x 25 keys x 4 models, tiers and windows varied. */
    static List<UsageRow> rows(Instant hour, int count) {
        String[] models = {"claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5-20251001", "claude-opus-4-8"};
        String[] tiers = {"standard", "batch", "priority"};
        List<UsageRow> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int workspace = i % 10;
            int key = i / 10 % 25;
            int model = i / 250 % 4;
            long seed = hour.getEpochSecond() / 3600 * 7919 + i;
            rows.add(new UsageRow(hour, workspace == 0 ? null : "wrkspc_bench" + workspace,
                    key == 0 ? null : "apikey_bench" + workspace + "_" + key, models[model], tiers[(int) (seed % 3)],
                    i % 7 == 0 ? "200k-1M" : "0-200k", 1000 + seed % 50_000, seed % 200_000, seed % 5000,
                    seed % 3 == 0 ? seed % 4000 : 0, 100 + seed % 9000, seed % 11 == 0 ? 2 : 0));
        }
        return rows;
    }

    private static long stream(JsonFactory factory, byte[] page) throws IOException {
        long count = 0;
        try (JsonParser parser = factory.createParser(page)) {
            while (parser.nextToken() != null) {
                count++;
                if (parser.currentToken() == JsonToken.VALUE_STRING) {
                    parser.getText();
                }
            }
        }
        return count;
    }

    private static Map<String, AttributeValue> bareItem(UsageRow row) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS("USAGE#" + row.bucketStart()));
        item.put("sk", AttributeValue.fromS("ROW#" + row.key()));
        item.put("workspace_id", AttributeValue.fromS(row.workspaceId()));
        item.put("api_key_id", AttributeValue.fromS(row.apiKeyId()));
        item.put("model", AttributeValue.fromS(row.model()));
        item.put("service_tier", AttributeValue.fromS(row.serviceTier()));
        item.put("context_window", AttributeValue.fromS(row.contextWindow()));
        item.put("uncached_input_tokens", AttributeValue.fromN(Long.toString(row.uncachedInputTokens())));
        item.put("cache_read_input_tokens", AttributeValue.fromN(Long.toString(row.cacheReadInputTokens())));
        item.put("cache_creation_5m_input_tokens", AttributeValue.fromN(Long.toString(row.cacheCreation5mInputTokens())));
        item.put("cache_creation_1h_input_tokens", AttributeValue.fromN(Long.toString(row.cacheCreation1hInputTokens())));
        item.put("output_tokens", AttributeValue.fromN(Long.toString(row.outputTokens())));
        item.put("web_search_requests", AttributeValue.fromN(Long.toString(row.webSearchRequests())));
        return item;
    }

    private static void writeAll(DynamoDbClient dynamo, String table, List<WriteRequest> batch) {
        List<WriteRequest> pending = batch;
        while (!pending.isEmpty()) {
            Map<String, List<WriteRequest>> request = Map.of(table, pending);
            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(request));
            pending = response.unprocessedItems().getOrDefault(table, List.of());
        }
    }

    /** Serves the prepared pages: the first page without a cursor, then page_N. */
    private static HttpServer standIn(List<byte[]> pages, Instant start) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/v1/organizations/usage_report/messages", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            int index = 0;
            for (String pair : query.split("&")) {
                if (pair.startsWith("page=")) {
                    Instant next = Instant.parse(new String(Base64.getDecoder().decode(
                            java.net.URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8).substring(5)),
                            StandardCharsets.UTF_8));
                    index = (int) Duration.between(start, next).toDays();
                }
            }
            byte[] body = pages.get(index);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static String token(Instant next) {
        return "page_" + Base64.getEncoder().encodeToString(next.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void row(String step, long rows, double seconds) {
        System.out.printf(Locale.ROOT, "%-52s %,12.0f %12.2f%n", step, rows / seconds, seconds);
    }

    private IngestBenchmark() {
    }
}
