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
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.domain.Workspace;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.TokenRates;
import org.costobservatory.pricing.UsagePricer;

/**
 * A simulated organisation for {@code --demo}: four workspaces (Default among them, one archived), several API keys,
 * Opus, Sonnet and Haiku, batch, Priority Tier, cache and web-search traffic, with a daily and weekly rhythm, and one
 * incident a month (on the {@value #INCIDENT_DAY}th the support bot's cache stops hitting). Everything is a pure
 * function of the hour, so every run sees the same organisation.
 *
 * <p>Its cost report is its own usage billed line by line, as Anthropic's cost report relates to the usage report:
 * Priority Tier is left out, web search is a separate line without a model. And it is billed as a real organisation
 * is, not at the bundled list prices:
 * <ul>
 *   <li>from {@link #UNLISTED_FROM}, the Support Bot's Haiku traffic runs on {@link #UNLISTED}, a model the bundled
 *       price table does not list, billed at its own price ($0.12 / $0.60 per million tokens);</li>
 *   <li>a negotiated discount of 15 % on every Sonnet line;</li>
 *   <li>Research Agents runs US-only inference: its lines say {@code inference_geo: "us"} and cost 1.1x on the
 *       Claude 4.6 models (older models report {@code not_available}, as Anthropic's do).</li>
 * </ul>
 * So list prices alone get provisional spend wrong, and prices learned from settled days get it right.
 */
public final class DemoOrganisation {
    public static final String SUPPORT = "wrkspc_01DemoSupportBot00000";
    public static final String BATCH = "wrkspc_01DemoNightlyBatch000";
    public static final String RESEARCH = "wrkspc_01DemoResearchAgents0";
    public static final String LEGACY = "wrkspc_01DemoLegacyArchived0";

    private static final String OPUS = "claude-opus-4-6";
    private static final String SONNET = "claude-sonnet-4-6";
    private static final String HAIKU = "claude-haiku-4-5-20251001";
    /** A model the bundled table does not list: priced as its family's dearest current model until it is learned. */
    public static final String UNLISTED = "claude-haiku-5-6";
    /** The first day the Support Bot runs on {@link #UNLISTED}. */
    public static final LocalDate UNLISTED_FROM = LocalDate.parse("2026-11-04");
    /** What the bill charges for {@link #UNLISTED}, USD per million tokens. */
    private static final TokenRates UNLISTED_RATES = new TokenRates(new BigDecimal("0.12"), new BigDecimal("0.60"),
            new BigDecimal("0.15"), new BigDecimal("0.24"), new BigDecimal("0.012"));
    /** The negotiated discount on the Sonnet family: lines are billed at 85 %. */
    private static final BigDecimal SONNET_RATE = new BigDecimal("0.85");
    /** US-only inference: 1.1x on Claude 4.6 and later models. */
    private static final BigDecimal US_ONLY = new BigDecimal("1.1");
    private static final BigDecimal PER_MILLION_TO_CENTS = BigDecimal.valueOf(10_000);

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

    /** Every API key, whatever its status: one inactive and one archived among them, as real organisations have. */
    public List<ApiKey> apiKeys() {
        return List.of(
                new ApiKey("apikey_01DemoBatchRunner0000", "nightly-batch-runner", "active", BATCH),
                new ApiKey("apikey_01DemoDefaultScripts0", "ops-scripts", "active", Dimensions.DEFAULT_WORKSPACE),
                new ApiKey("apikey_01DemoLegacyProto0000", "legacy-prototype", "archived", LEGACY),
                new ApiKey("apikey_01DemoResearchAlpha00", "research-alpha", "active", RESEARCH),
                new ApiKey("apikey_01DemoResearchBeta000", "research-beta", "inactive", RESEARCH),
                new ApiKey("apikey_01DemoSupportProd00000", "support-bot-prod", "active", SUPPORT));
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
            String model = stream.model();
            if (HAIKU.equals(model) && "standard".equals(stream.tier())
                    && !hour.atOffset(ZoneOffset.UTC).toLocalDate().isBefore(UNLISTED_FROM)) {
                model = UNLISTED;
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
            rows.add(new UsageRow(hour, stream.workspace(), stream.apiKey(), model, stream.tier(), "0-200k",
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

    /**
     * What the organisation spent in {@code [from, to)} as the bill has it: every usage line at its billed price, and
     * Priority Tier (which the cost report leaves out) at list price, as settled spend counts it.
     */
    public BigDecimal billedCents(Instant from, Instant to) {
        BigDecimal total = BigDecimal.ZERO;
        for (Instant hour = from.truncatedTo(ChronoUnit.HOURS); hour.isBefore(to); hour = hour.plus(1,
                ChronoUnit.HOURS)) {
            for (UsageRow row : usage(hour)) {
                if (SpendRollups.absentFromCostReport(row)) {
                    total = total.add(pricer.price(row).cents());
                    continue;
                }
                for (CostRow line : costLines(row.bucketStart().atOffset(ZoneOffset.UTC).toLocalDate(), row)) {
                    total = total.add(line.amountCents());
                }
            }
        }
        return total;
    }

    /** What the organisation's usage in {@code [from, to)} costs at list price, Priority Tier included. */
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
                : row.model().startsWith("claude-sonnet") ? "Claude Sonnet 4.6"
                : UNLISTED.equals(row.model()) ? "Claude Haiku 5.6" : "Claude Haiku 4.5";
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
        lines.add(new CostRow(date, source.workspaceId(), description, "tokens", source.model(),
                source.serviceTier(), tokenType, source.contextWindow(), geography(source), "USD", billed(part)));
    }

    /** The line's amount as billed: its own price for the unlisted model, with the discount and US-only uplift. */
    private BigDecimal billed(UsageRow part) {
        BigDecimal cents;
        if (UNLISTED.equals(part.model())) {
            BigDecimal micros = UNLISTED_RATES.input().multiply(BigDecimal.valueOf(part.uncachedInputTokens()))
                    .add(UNLISTED_RATES.output().multiply(BigDecimal.valueOf(part.outputTokens())))
                    .add(UNLISTED_RATES.cacheWrite5m().multiply(BigDecimal.valueOf(part.cacheCreation5mInputTokens())))
                    .add(UNLISTED_RATES.cacheWrite1h().multiply(BigDecimal.valueOf(part.cacheCreation1hInputTokens())))
                    .add(UNLISTED_RATES.cacheRead().multiply(BigDecimal.valueOf(part.cacheReadInputTokens())));
            cents = micros.divide(PER_MILLION_TO_CENTS);
            if ("batch".equals(part.serviceTier())) {
                cents = cents.multiply(pricer.table().batchMultiplier());
            }
        } else {
            cents = pricer.price(part).cents();
        }
        if (part.model().startsWith("claude-sonnet")) {
            cents = cents.multiply(SONNET_RATE);
        }
        if ("us".equals(geography(part))) {
            cents = cents.multiply(US_ONLY);
        }
        return Money.normalize(cents);
    }

    /** Where inference ran, as the cost report says: US-only in Research Agents, for models that support it. */
    private static String geography(UsageRow row) {
        boolean supportsGeo = !HAIKU.equals(row.model());
        if (!supportsGeo) {
            return "not_available";
        }
        return RESEARCH.equals(row.workspaceId()) ? "us" : "global";
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
