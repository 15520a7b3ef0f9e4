package org.costobservatory.local.bench;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.costobservatory.anthropic.AdminReports;
import org.costobservatory.anthropic.CostPage;
import org.costobservatory.anthropic.PageHandler;
import org.costobservatory.anthropic.ReportJsonWriter;
import org.costobservatory.anthropic.ReportParser;
import org.costobservatory.anthropic.UsagePage;
import org.costobservatory.anthropic.UsageReportQuery;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.domain.Workspace;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.time.Deadline;

/**
 * An organisation of {@code keys} active API keys, twenty to a workspace, each key sending five kinds of traffic
 * every hour (Haiku, Sonnet and Opus standard; Sonnet and Haiku batch), so each usage hour has {@code 5 × keys}
 * rows: 200 keys make the 1,000 rows an hour of the ingest benchmark. The token counts vary by key and hour but are
 * a pure function of both, so a re-pulled hour is the same as before, as a settled hour of Anthropic's report is.
 * Each day's cost report is that usage at list price, one line per workspace, model, tier and token type.
 *
 * <p>Every page goes through the Admin API's wire format (written as JSON, read back by the real parser), so the
 * run's work includes the parsing; only the network round trip is left out.
 */
final class SyntheticOrganisation implements AdminReports {
    static final int KEYS_PER_WORKSPACE = 20;
    private static final String[][] STREAMS = {
            {"claude-haiku-4-5-20251001", "standard"}, {"claude-sonnet-4-6", "standard"},
            {"claude-opus-4-6", "standard"}, {"claude-sonnet-4-6", "batch"}, {"claude-haiku-4-5-20251001", "batch"}};
    private static final String[][] TOKEN_TYPES = {
            {"Input Tokens", "uncached_input_tokens"}, {"Output Tokens", "output_tokens"},
            {"Input Tokens, Cache Hit", "cache_read_input_tokens"},
            {"Input Tokens, Cache Write", "cache_creation.ephemeral_5m_input_tokens"}};

    private final int keys;
    private final Clock clock;
    private final UsagePricer pricer = new UsagePricer(PriceTable.bundled());
    private final ReportParser parser = new ReportParser();
    private final Map<LocalDate, CostDay> bills = new ConcurrentHashMap<>();

    SyntheticOrganisation(int keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    static String workspace(int index) {
        return String.format("wrkspc_01Synthetic%010d", index);
    }

    static String apiKey(int index) {
        return String.format("apikey_01Synthetic%010d", index);
    }

    int workspaceCount() {
        return (keys + KEYS_PER_WORKSPACE - 1) / KEYS_PER_WORKSPACE;
    }

    List<UsageRow> usage(Instant hour) {
        List<UsageRow> rows = new ArrayList<>(keys * STREAMS.length);
        long h = hour.getEpochSecond() / 3600;
        for (int k = 0; k < keys; k++) {
            for (int s = 0; s < STREAMS.length; s++) {
                long input = 1_000 + Math.floorMod((h * 7_919 + k * 104_729L + s * 1_299_709L) * 2_654_435_761L,
                        200_000L);
                rows.add(new UsageRow(hour, workspace(k / KEYS_PER_WORKSPACE), apiKey(k), STREAMS[s][0],
                        STREAMS[s][1], "0-200k", input, input * 2, input / 20, 0, input / 8, 0));
            }
        }
        return rows;
    }

    CostDay cost(LocalDate date) {
        return bills.computeIfAbsent(date, this::bill);
    }

    private CostDay bill(LocalDate date) {
        Map<String, CostRow> lines = new TreeMap<>();
        Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        for (int h = 0; h < 24; h++) {
            for (UsageRow row : usage(start.plus(h, ChronoUnit.HOURS))) {
                long[] parts = {row.uncachedInputTokens(), row.outputTokens(), row.cacheReadInputTokens(),
                        row.cacheCreation5mInputTokens()};
                for (int t = 0; t < TOKEN_TYPES.length; t++) {
                    UsageRow part = new UsageRow(row.bucketStart(), row.workspaceId(), row.apiKeyId(), row.model(),
                            row.serviceTier(), row.contextWindow(), t == 0 ? parts[0] : 0, t == 2 ? parts[2] : 0,
                            t == 3 ? parts[3] : 0, 0, t == 1 ? parts[1] : 0, 0);
                    BigDecimal cents = pricer.price(part).cents();
                    String description = row.model() + " Usage - " + TOKEN_TYPES[t][0]
                            + ("batch".equals(row.serviceTier()) ? " (Batch)" : "");
                    CostRow line = new CostRow(date, row.workspaceId(), description, "tokens", row.model(),
                            row.serviceTier(), TOKEN_TYPES[t][1], row.contextWindow(), "global", "USD", cents);
                    lines.merge(line.key(), line, (a, b) -> a.withAmountCents(a.amountCents().add(b.amountCents())));
                }
            }
        }
        List<CostRow> rows = new ArrayList<>();
        for (CostRow line : lines.values()) {
            rows.add(line.withAmountCents(Money.normalize(line.amountCents())));
        }
        return new CostDay(date, rows);
    }

    @Override
    public void costReport(LocalDate from, LocalDate toExclusive, Deadline deadline, PageHandler<CostDay> pages) {
        LocalDate today = clock.instant().atOffset(ZoneOffset.UTC).toLocalDate();
        if (!from.isBefore(toExclusive) || toExclusive.isAfter(today)) {
            throw new IllegalArgumentException("cost window " + from + ".." + toExclusive
                    + " is empty or not complete");
        }
        int page = 0;
        for (LocalDate first = from; first.isBefore(toExclusive); first = first.plusDays(7)) {
            List<CostDay> days = new ArrayList<>();
            for (LocalDate day = first; day.isBefore(toExclusive) && day.isBefore(first.plusDays(7));
                 day = day.plusDays(1)) {
                days.add(cost(day));
            }
            boolean more = first.plusDays(7).isBefore(toExclusive);
            CostPage parsed = parser.parseCostPage(ReportJsonWriter.costPage(days, more, more ? "next" : null)
                    .getBytes(StandardCharsets.UTF_8));
            pages.accept(parsed.days(), page++);
        }
    }

    @Override
    public void usageReport(UsageReportQuery query, Deadline deadline, PageHandler<UsageBucket> pages) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.HOURS);
        Instant end = query.endingAt().isAfter(now) ? now : query.endingAt();
        int limit = query.effectiveLimit();
        int page = 0;
        Instant next = query.startingAt();
        while (next.isBefore(end)) {
            List<UsageBucket> buckets = new ArrayList<>();
            while (next.isBefore(end) && buckets.size() < limit) {
                Instant hourEnd = next.plus(1, ChronoUnit.HOURS);
                buckets.add(new UsageBucket(next, hourEnd, usage(next)));
                next = hourEnd;
            }
            boolean more = next.isBefore(end);
            UsagePage parsed = parser.parseUsagePage(ReportJsonWriter.usagePage(buckets, more, more ? "next" : null)
                    .getBytes(StandardCharsets.UTF_8), query.width());
            pages.accept(parsed.buckets(), page++);
        }
    }

    @Override
    public List<Workspace> workspaces(Deadline deadline) {
        List<Workspace> list = new ArrayList<>();
        for (int w = 0; w < workspaceCount(); w++) {
            list.add(new Workspace(workspace(w), "Synthetic " + w, Optional.empty()));
        }
        return list;
    }

    @Override
    public List<ApiKey> apiKeys(Deadline deadline) {
        List<ApiKey> list = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            list.add(new ApiKey(apiKey(k), "synthetic-" + k, "active", workspace(k / KEYS_PER_WORKSPACE)));
        }
        return list;
    }
}
