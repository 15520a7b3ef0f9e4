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
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * Local and prints rows per second for each step against its bare baseline, like for like: the baseline writes the
 * same row items (every attribute our store writes) with the same parallelism, pricing is timed as its own step,
 * every step is warmed the same way and every round repeated. Run with
 * {@code scripts/bench-ingest.sh [days] [rows-per-hour] [rounds]}; this is a measurement, not a test.
 */
public final class IngestBenchmark {
    private static final String KEY = "sk-ant-admin01-benchmark-0000000000000000";
    private static final Instant RUN_TIME = Instant.parse("2026-11-01T00:10:00Z");
    /** Parallel.DEFAULT_THREADS in the store adapter. */
    private static final int STORE_PARALLELISM = 8;
    private static final int BARE_ATTRIBUTES = 20;

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

        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        ReportParser parser = new ReportParser();
        JsonFactory factory = new JsonFactory();
        DynamoDbLocal local = DynamoDbLocal.shared();
        DynamoDbClient dynamo = local.client();
        UsagePricer pricer = new UsagePricer(PriceTable.bundled());
        ExecutorService writers = Executors.newFixedThreadPool(STORE_PARALLELISM);

        // Every step is warmed the same way (one round on the first day's pages), then timed over the whole month,
        // `rounds` times; the table prints the median and the spread. Each store round gets a fresh table.
        List<UsagePage> parsed = parseAll(parser, pages.subList(0, 1));
        List<List<PricedUsageRow>> warmHours = price(pricer, parsed);
        store(new DynamoDbReportStore(dynamo, local.newTable()), warmHours, parsed);
        bare(dynamo, local.newTable(), warmHours, writers);
        streamAll(factory, pages.subList(0, 1));

        double[] parse = new double[rounds];
        double[] stream = new double[rounds];
        double[] pricing = new double[rounds];
        double[] store = new double[rounds];
        double[] bare = new double[rounds];
        long items = 0;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            parsed = parseAll(parser, pages);
            parse[round] = seconds(t0);
            t0 = System.nanoTime();
            streamAll(factory, pages);
            stream[round] = seconds(t0);
            t0 = System.nanoTime();
            List<List<PricedUsageRow>> hours = price(pricer, parsed);
            pricing[round] = seconds(t0);
            // Pricing is its own step: the store is timed on rows already priced, like the bare baseline.
            String storeTable = local.newTable();
            t0 = System.nanoTime();
            store(new DynamoDbReportStore(dynamo, storeTable), hours, parsed);
            store[round] = seconds(t0);
            String bareTable = local.newTable();
            t0 = System.nanoTime();
            items = bare(dynamo, bareTable, hours, writers);
            bare[round] = seconds(t0);
        }
        writers.shutdown();

        // (f) the whole run: the real job and client against an HTTP stand-in serving the same pages
        parsed = null;
        HttpServer standIn = standIn(pages, start);
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME", local.newTable())))
                .dynamo(dynamo).clock(Clock.fixed(start.plus(Duration.ofDays(days)).plus(Duration.ofMinutes(10)),
                        ZoneOffset.UTC))
                .adminReports(() -> AdminApiClient.create(URI.create("http://127.0.0.1:"
                        + standIn.getAddress().getPort()), new StaticAdminKey(KEY)))
                .alertPublisher(message -> "none").build();
        UsageReportJob job = components.usageReportJob();
        long t0 = System.nanoTime();
        IngestSummary summary = job.run(new IngestRequest.Backfill(first, first.plusDays(days - 1L)),
                Deadline.none(Clock.systemUTC()));
        double jobSeconds = seconds(t0);
        standIn.stop(0);

        System.out.printf(Locale.ROOT, "%d rounds; rows/s is the median round, with the slowest and fastest%n%n",
                rounds);
        System.out.printf(Locale.ROOT, "%-58s %12s %25s%n", "step", "rows/s", "spread (rows/s)");
        row("(a) our parse (ReportParser, streaming)", totalRows, parse);
        row("(b) bare Jackson streaming pass, same bytes", totalRows, stream);
        row("(c) pricing at list price (UsagePricer)", totalRows, pricing);
        row("(d) our store step on priced rows (rows, headers, rollups)", totalRows, store);
        row("(e) bare BatchWriteItem, same items, same parallelism", items, bare);
        System.out.printf(Locale.ROOT, "%-58s %,12.0f %25s%n", "(f) whole run: HTTP stand-in -> job -> DynamoDB",
                summary.rowsStored() / jobSeconds, "(one run)");
        System.out.printf(Locale.ROOT, "%nratios (median rounds; 1.00 = as fast as bare): parse/bare = %.2f, "
                + "store/bare = %.2f%n", median(stream) / median(parse), median(bare) / median(store));
        System.out.printf(Locale.ROOT, "(the bare writes are the %,d row items our store writes, %d attributes each, "
                + "%d writers; our store also writes %d headers and the rollups)%n", items, BARE_ATTRIBUTES,
                STORE_PARALLELISM, days * 24);
        System.exit(0);
    }

    private static List<UsagePage> parseAll(ReportParser parser, List<byte[]> pages) {
        List<UsagePage> parsed = new ArrayList<>(pages.size());
        for (byte[] page : pages) {
            parsed.add(parser.parseUsagePage(page, BucketWidth.HOUR));
        }
        return parsed;
    }

    private static long streamAll(JsonFactory factory, List<byte[]> pages) throws IOException {
        long tokens = 0;
        for (byte[] page : pages) {
            tokens += stream(factory, page);
        }
        return tokens;
    }

    private static List<List<PricedUsageRow>> price(UsagePricer pricer, List<UsagePage> parsed) {
        List<List<PricedUsageRow>> hours = new ArrayList<>();
        for (UsagePage page : parsed) {
            for (UsageBucket bucket : page.buckets()) {
                List<PricedUsageRow> priced = new ArrayList<>(bucket.rows().size());
                for (UsageRow row : bucket.rows()) {
                    priced.add(new PricedUsageRow(row, pricer.price(row)));
                }
                hours.add(priced);
            }
        }
        return hours;
    }

    private static void store(DynamoDbReportStore store, List<List<PricedUsageRow>> hours, List<UsagePage> parsed) {
        RunInfo run = RunInfo.manual(org.costobservatory.domain.ReportKind.USAGE, RUN_TIME);
        int index = 0;
        for (UsagePage page : parsed) {
            for (UsageBucket bucket : page.buckets()) {
                store.replaceUsageHour(bucket.start(), hours.get(index++), run);
            }
        }
    }

    /** The same row items, 25 to a BatchWriteItem, {@link #STORE_PARALLELISM} batches in flight like our store. */
    private static long bare(DynamoDbClient dynamo, String table, List<List<PricedUsageRow>> hours,
                             ExecutorService writers) throws Exception {
        List<Future<?>> inFlight = new ArrayList<>();
        long written = 0;
        for (List<PricedUsageRow> hour : hours) {
            List<WriteRequest> batch = new ArrayList<>(25);
            for (PricedUsageRow row : hour) {
                batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(bareItem(row)).build())
                        .build());
                if (batch.size() == 25) {
                    List<WriteRequest> chunk = batch;
                    inFlight.add(writers.submit(() -> writeAll(dynamo, table, chunk)));
                    written += chunk.size();
                    batch = new ArrayList<>(25);
                }
            }
            if (!batch.isEmpty()) {
                List<WriteRequest> chunk = batch;
                inFlight.add(writers.submit(() -> writeAll(dynamo, table, chunk)));
                written += chunk.size();
            }
            // Our store writes one hour at a time (its chunks in parallel), then moves on: so does the baseline.
            for (Future<?> future : inFlight) {
                future.get();
            }
            inFlight.clear();
        }
        return written;
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

    /** An item with every attribute our usage row items carry ({@link #BARE_ATTRIBUTES}), keyed the same way. */
    private static Map<String, AttributeValue> bareItem(PricedUsageRow priced) {
        UsageRow row = priced.row();
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS("USAGE#" + row.bucketStart()));
        item.put("sk", AttributeValue.fromS("ROW#bench#" + row.key()));
        item.put("hour_start", AttributeValue.fromS(row.bucketStart().toString()));
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
        item.put("cost_cents", AttributeValue.fromS(priced.price().cents().toPlainString()));
        item.put("cost_usd", AttributeValue.fromS(priced.price().cents().movePointLeft(2).toPlainString()));
        item.put("priced_as", AttributeValue.fromS(priced.price().pricedAs()));
        item.put("generation", AttributeValue.fromS("bench"));
        item.put("run_id", AttributeValue.fromS("bench-run"));
        item.put("fetched_at", AttributeValue.fromS(RUN_TIME.toString()));
        return item;
    }

    private static Void writeAll(DynamoDbClient dynamo, String table, List<WriteRequest> batch) {
        List<WriteRequest> pending = batch;
        while (!pending.isEmpty()) {
            Map<String, List<WriteRequest>> request = Map.of(table, pending);
            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(request));
            pending = response.unprocessedItems().getOrDefault(table, List.of());
        }
        return null;
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

    private static void row(String step, long rows, double[] seconds) {
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-58s %,12.0f %25s%n", step, rows / median(seconds),
                String.format(Locale.ROOT, "%,.0f-%,.0f", rows / sorted[sorted.length - 1], rows / sorted[0]));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private IngestBenchmark() {
    }
}
