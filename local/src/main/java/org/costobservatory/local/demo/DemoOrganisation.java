package org.costobservatory.local.demo;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.budget.SpendRollups;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.domain.Workspace;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.PricedUsage;
import org.costobservatory.pricing.UsagePricer;

/**
 * A simulated organisation for {@code --demo}: four workspaces (Default among them, one archived), several API keys,
 * three models, batch, Priority Tier, cache and web-search traffic, with a daily and weekly rhythm, and one incident
 * a month (on the {@value #INCIDENT_DAY}th the support bot's cache stops hitting). Everything is a pure function of
 * the hour, so every run sees the same organisation.
 *
 * <p>Its cost report is its own usage priced with the bundled price table, line by line, exactly as Anthropic's
 * cost report relates to the usage report: Priority Tier is left out, web search is a separate line without a model.
 */
public final class DemoOrganisation {
    public static final String SUPPORT = "wrkspc_01DemoSupportBot00000";
    public static final String BATCH = "wrkspc_01DemoNightlyBatch000";
    public static final String RESEARCH = "wrkspc_01DemoResearchAgents0";
    public static final String LEGACY = "wrkspc_01DemoLegacyArchived0";

    private static final String OPUS = "claude-opus-4-6";
    private static final String SONNET = "claude-sonnet-4-6";
    private static final String HAIKU = "claude-haiku-4-5-20251001";

    /** One source of traffic: who sends it, to which model, in which tier, how much at peak. */
    private record Stream(String workspace, String apiKey, String model, String tier, long peakInput,
                          double outputRatio, double cacheReadRatio, double write5mRatio, double write1hRatio,
                          int searchesPerHour, Shape shape) {
    }

    private enum Shape { OFFICE_HOURS, NIGHTLY, ALWAYS, WEEKDAY_AFTERNOONS }

    private static final List<Stream> STREAMS = List.of(
            new Stream(SUPPORT, "apikey_01DemoSupportProd00000", HAIKU, "standard", 2_600_000, 0.12, 1.8, 0.05, 0.02,
                    6, Shape.ALWAYS),
            new Stream(SUPPORT, "apikey_01DemoSupportProd00000", SONNET, "standard", 420_000, 0.18, 2.5, 0.08, 0.0, 2,
                    Shape.OFFICE_HOURS),
            new Stream(BATCH, "apikey_01DemoBatchRunner0000", SONNET, "batch", 9_000_000, 0.22, 0.0, 0.0, 0.0, 0,
                    Shape.NIGHTLY),
            new Stream(BATCH, "apikey_01DemoBatchRunner0000", HAIKU, "batch", 14_000_000, 0.1, 0.0, 0.0, 0.0, 0,
                    Shape.NIGHTLY),
            new Stream(RESEARCH, "apikey_01DemoResearchAlpha00", OPUS, "standard", 310_000, 0.25, 6.0, 0.15, 0.1, 4,
                    Shape.OFFICE_HOURS),
            new Stream(RESEARCH, "apikey_01DemoResearchBeta000", OPUS, "priority", 120_000, 0.3, 3.0, 0.1, 0.0, 0,
                    Shape.WEEKDAY_AFTERNOONS),
            new Stream(RESEARCH, "apikey_01DemoResearchBeta000", SONNET, "standard", 260_000, 0.2, 4.0, 0.1, 0.05, 3,
                    Shape.OFFICE_HOURS),
            new Stream(null, "apikey_01DemoDefaultScripts0", SONNET, "standard", 150_000, 0.15, 1.0, 0.05, 0.0, 0,
                    Shape.OFFICE_HOURS),
            new Stream(null, null, OPUS, "standard", 40_000, 0.3, 0.0, 0.0, 0.0, 0, Shape.WEEKDAY_AFTERNOONS));

    /**
     * On the 9th of every month the support bot's prompt cache stops hitting and its retries double its traffic, so
     * the anomaly panel has a day to explain.
     */
    public static final int INCIDENT_DAY = 9;

    private final UsagePricer pricer;

    public DemoOrganisation() {
        this(new UsagePricer(PriceTable.bundled()));
    }

    public DemoOrganisation(UsagePricer pricer) {
        this.pricer = pricer;
    }

    public List<Workspace> workspaces() {
        return List.of(
                new Workspace(SUPPORT, "Support Bot", Optional.empty()),
                new Workspace(BATCH, "Nightly Batch", Optional.empty()),
                new Workspace(RESEARCH, "Research Agents", Optional.empty()),
                new Workspace(LEGACY, "Legacy Prototype", Optional.of(Instant.parse("2026-06-30T12:00:00Z"))));
    }

    /** The usage lines of one hour, grouped by workspace, API key, model, service tier and context window. */
    public List<UsageRow> usage(Instant hourStart) {
        Instant hour = hourStart.truncatedTo(ChronoUnit.HOURS);
        List<UsageRow> rows = new ArrayList<>();
        int index = 0;
        boolean incident = hour.atOffset(ZoneOffset.UTC).getDayOfMonth() == INCIDENT_DAY;
        for (Stream stream : STREAMS) {
            double level = level(stream.shape(), hour) * jitter(hour, index++);
            long input = Math.round(stream.peakInput() * level);
            if (input == 0) {
                continue;
            }
            long uncached = input;
            long cacheRead = Math.round(input * stream.cacheReadRatio());
            long scale = 1;
            if (incident && stream == STREAMS.get(0)) {
                // The support bot's prompt cache stops hitting and its retries double the traffic.
                scale = 2;
                uncached = scale * (input + cacheRead);
                cacheRead = 0;
            }
            rows.add(new UsageRow(hour, stream.workspace(), stream.apiKey(), stream.model(), stream.tier(), "0-200k",
                    uncached, cacheRead, scale * Math.round(input * stream.write5mRatio()),
                    scale * Math.round(input * stream.write1hRatio()), scale * Math.round(input * stream.outputRatio()),
                    scale * Math.round(stream.searchesPerHour() * level)));
        }
        return rows;
    }

    /** The cost report of one complete UTC day, grouped by workspace and description. */
    public CostDay cost(LocalDate date) {
        Map<String, CostRow> lines = new TreeMap<>();
        Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        for (int h = 0; h < 24; h++) {
            for (UsageRow row : usage(start.plus(h, ChronoUnit.HOURS))) {
                if (SpendRollups.absentFromCostReport(row)) {
                    continue;
                }
                for (CostRow line : costLines(date, row)) {
                    lines.merge(line.key(), line, (a, b) -> a.withAmountCents(a.amountCents().add(b.amountCents())));
                }
            }
        }
        return new CostDay(date, new ArrayList<>(lines.values()));
    }

    /** What the organisation spent in {@code [from, to)}: every usage hour at list price, Priority Tier included. */
    public BigDecimal totalCents(Instant from, Instant to) {
        BigDecimal total = BigDecimal.ZERO;
        for (Instant hour = from.truncatedTo(ChronoUnit.HOURS); hour.isBefore(to); hour = hour.plus(1,
                ChronoUnit.HOURS)) {
            for (UsageRow row : usage(hour)) {
                total = total.add(pricer.price(row).cents());
            }
        }
        return total;
    }

    private List<CostRow> costLines(LocalDate date, UsageRow row) {
        List<CostRow> lines = new ArrayList<>();
        String family = row.model().startsWith("claude-opus") ? "Claude Opus 4.6"
                : row.model().startsWith("claude-sonnet") ? "Claude Sonnet 4.6" : "Claude Haiku 4.5";
        String batch = "batch".equals(row.serviceTier()) ? " (Batch)" : "";
        addTokenLine(lines, date, row, family + " Usage - Input Tokens" + batch, "uncached_input_tokens",
                tokensOnly(row, row.uncachedInputTokens(), 0, 0, 0, 0));
        addTokenLine(lines, date, row, family + " Usage - Output Tokens" + batch, "output_tokens",
                tokensOnly(row, 0, 0, 0, 0, row.outputTokens()));
        addTokenLine(lines, date, row, family + " Usage - Input Tokens, Cache Hit" + batch, "cache_read_input_tokens",
                tokensOnly(row, 0, row.cacheReadInputTokens(), 0, 0, 0));
        addTokenLine(lines, date, row, family + " Usage - Input Tokens, Cache Write" + batch,
                "cache_creation.ephemeral_5m_input_tokens", tokensOnly(row, 0, 0, row.cacheCreation5mInputTokens(),
                        0, 0));
        addTokenLine(lines, date, row, family + " Usage - Input Tokens, 1h Cache Write" + batch,
                "cache_creation.ephemeral_1h_input_tokens", tokensOnly(row, 0, 0, 0,
                        row.cacheCreation1hInputTokens(), 0));
        if (row.webSearchRequests() > 0) {
            BigDecimal cents = pricer.table().webSearchUsdPerThousand().multiply(BigDecimal.valueOf(100))
                    .multiply(BigDecimal.valueOf(row.webSearchRequests())).divide(BigDecimal.valueOf(1000));
            lines.add(new CostRow(date, row.workspaceId(), "Web Search Usage", "web_search", null, null, null, null,
                    null, "USD", cents));
        }
        return lines;
    }

    private void addTokenLine(List<CostRow> lines, LocalDate date, UsageRow source, String description,
                              String tokenType, UsageRow part) {
        if (part.totalTokens() == 0) {
            return;
        }
        PricedUsage price = pricer.price(part);
        lines.add(new CostRow(date, source.workspaceId(), description, "tokens", source.model(),
                source.serviceTier(), tokenType, source.contextWindow(), "not_available", "USD", price.cents()));
    }

    private static UsageRow tokensOnly(UsageRow row, long uncached, long read, long write5m, long write1h,
                                       long output) {
        return new UsageRow(row.bucketStart(), row.workspaceId(), row.apiKeyId(), row.model(), row.serviceTier(),
                row.contextWindow(), uncached, read, write5m, write1h, output, 0);
    }

    private static double level(Shape shape, Instant hour) {
        int h = hour.atOffset(ZoneOffset.UTC).getHour();
        DayOfWeek day = hour.atOffset(ZoneOffset.UTC).getDayOfWeek();
        boolean weekend = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
        return switch (shape) {
            case ALWAYS -> (weekend ? 0.45 : 0.7) + 0.3 * Math.max(0, Math.sin((h - 6) / 24.0 * 2 * Math.PI));
            case OFFICE_HOURS -> weekend ? (h >= 14 && h < 20 ? 0.15 : 0)
                    : (h >= 13 && h < 23 ? 0.6 + 0.4 * Math.sin((h - 13) / 10.0 * Math.PI) : (h >= 8 ? 0.1 : 0));
            case NIGHTLY -> h >= 1 && h < 5 ? 1.0 : 0;
            case WEEKDAY_AFTERNOONS -> !weekend && h >= 16 && h < 21 ? 1.0 : 0;
        };
    }

    /** A deterministic wobble between 0.75 and 1.25, so days differ without any randomness between runs. */
    private static double jitter(Instant hour, int stream) {
        long x = hour.getEpochSecond() / 3600 * 31 + stream * 1_000_003L;
        x ^= (x << 13);
        x ^= (x >>> 7);
        x ^= (x << 17);
        return 0.75 + (Math.floorMod(x, 1000) / 1000.0) * 0.5;
    }
}
