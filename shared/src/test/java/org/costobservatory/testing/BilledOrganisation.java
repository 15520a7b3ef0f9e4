package org.costobservatory.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.ReportJsonWriter;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.domain.Workspace;
import org.costobservatory.pricing.PriceTable;
import org.costobservatory.pricing.TokenType;
import org.costobservatory.pricing.UsagePricer;

/**
 * An organisation billed the way list prices cannot predict, for tests of calibration, reconciliation and drift:
 * <ul>
 *   <li>a 20 % discount on Sonnet 4.6 (the Default workspace);</li>
 *   <li>{@link #UNLISTED}, a model no price table lists, billed at $0.20 / $1.00 (Support);</li>
 *   <li>US-only Opus 4.6 in Research, billed 1.1x, its lines marked {@code inference_geo: "us"};</li>
 *   <li>a batch row (Opus 4.6 in Batch, half price) and a long-context row (Sonnet 4.5 in the Default workspace,
 *       {@code 200k-1M}, at the long-context list price), both billed at list price;</li>
 *   <li>Priority Tier Opus 4.6 in Research, which the cost report leaves out.</li>
 * </ul>
 * Every hour carries the same lines; each day's bill is its usage priced so, line by line, as Anthropic bills.
 */
public final class BilledOrganisation {
    public static final String SUPPORT = "wrkspc_01CalSupport";
    public static final String RESEARCH = "wrkspc_01CalResearch";
    public static final String BATCH = "wrkspc_01CalBatch";
    public static final String UNLISTED = "claude-haiku-5-7";
    public static final String SONNET = "claude-sonnet-4-6";
    public static final String OPUS = "claude-opus-4-6";
    public static final String LONG = "claude-sonnet-4-5-20250929";
    private static final BigDecimal PER_MILLION_TO_CENTS = BigDecimal.valueOf(10_000);

    /** One line of every hour, and how it is billed. */
    public record Stream(String workspace, String apiKey, String model, String tier, String contextWindow,
                         long input, long output, long cacheRead, long write5m, long write1h, long searches,
                         BigDecimal factor, Map<TokenType, BigDecimal> ownRates, String geo) {
        UsageRow row(Instant hour) {
            return new UsageRow(hour, workspace, apiKey, model, tier, contextWindow, input, cacheRead, write5m,
                    write1h, output, searches);
        }
    }

    public static final List<Stream> STREAMS = List.of(
            new Stream(null, "apikey_01CalDefault", SONNET, "standard", "0-200k", 100_000, 20_000, 200_000, 0, 0,
                    0, new BigDecimal("0.8"), Map.of(), "global"),
            new Stream(SUPPORT, "apikey_01CalSupport", UNLISTED, "standard", "0-200k", 500_000, 100_000, 0, 0, 0, 2,
                    BigDecimal.ONE, Map.of(TokenType.UNCACHED_INPUT, new BigDecimal("0.20"), TokenType.OUTPUT,
                    new BigDecimal("1.00")), "global"),
            new Stream(RESEARCH, "apikey_01CalResearch", OPUS, "standard", "0-200k", 50_000, 10_000, 0, 0, 0, 0,
                    new BigDecimal("1.1"), Map.of(), "us"),
            new Stream(BATCH, "apikey_01CalBatch", OPUS, "batch", "0-200k", 1_000_000, 200_000, 0, 0, 0, 0,
                    BigDecimal.ONE, Map.of(), "global"),
            new Stream(null, "apikey_01CalDefault", LONG, "standard", "200k-1M", 300_000, 10_000, 0, 0, 0, 0,
                    BigDecimal.ONE, Map.of(), "not_available"),
            new Stream(RESEARCH, "apikey_01CalResearch", OPUS, "priority", "0-200k", 40_000, 8_000, 0, 0, 0, 0,
                    BigDecimal.ONE, Map.of(), "us"));

    private final UsagePricer pricer = new UsagePricer(PriceTable.bundled());

    public List<UsageRow> usage(Instant hour) {
        return STREAMS.stream().map(stream -> stream.row(hour)).toList();
    }

    /** Hourly buckets {@code [from, to)}. */
    public List<UsageBucket> hours(Instant from, Instant to) {
        List<UsageBucket> buckets = new ArrayList<>();
        for (Instant hour = from; hour.isBefore(to); hour = hour.plus(1, ChronoUnit.HOURS)) {
            buckets.add(new UsageBucket(hour, hour.plus(1, ChronoUnit.HOURS), usage(hour)));
        }
        return buckets;
    }

    /** The cost report of one day: a line per workspace, model, tier, context window, token type and geography. */
    public CostDay bill(LocalDate date) {
        Map<String, CostRow> lines = new LinkedHashMap<>();
        Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        for (int h = 0; h < 24; h++) {
            for (Stream stream : STREAMS) {
                if (stream.tier().startsWith("priority")) {
                    continue;
                }
                UsageRow row = stream.row(start.plus(h, ChronoUnit.HOURS));
                for (TokenType type : TokenType.values()) {
                    long tokens = type.tokensOf(row);
                    if (tokens == 0) {
                        continue;
                    }
                    CostRow line = new CostRow(date, stream.workspace(), row.model() + " " + type.id(), "tokens",
                            row.model(), row.serviceTier(), type.id(), row.contextWindow(), stream.geo(), "USD",
                            cents(stream, row, type));
                    lines.merge(line.key(), line, (a, b) -> a.withAmountCents(a.amountCents().add(b.amountCents())));
                }
                if (row.webSearchRequests() > 0) {
                    CostRow search = new CostRow(date, stream.workspace(), "Web Search Usage", "web_search", null, null,
                            null, null, null, "USD", BigDecimal.valueOf(row.webSearchRequests()));
                    lines.merge(search.key(), search, (a, b) -> a.withAmountCents(a.amountCents()
                            .add(b.amountCents())));
                }
            }
        }
        return new CostDay(date, new ArrayList<>(lines.values()));
    }

    /** What one token kind of one line is billed, in cents. */
    public BigDecimal cents(Stream stream, UsageRow row, TokenType type) {
        LocalDate date = row.bucketStart().atOffset(ZoneOffset.UTC).toLocalDate();
        BigDecimal rate = stream.ownRates().containsKey(type) ? stream.ownRates().get(type)
                : pricer.listRates(row.model(), date, row.contextWindow(), row.serviceTier()).rate(type);
        return Money.normalize(rate.multiply(BigDecimal.valueOf(type.tokensOf(row))).multiply(stream.factor())
                .divide(PER_MILLION_TO_CENTS));
    }

    /** What one hour costs as billed (web search at $10 per 1,000), Priority Tier at list price as settled counts it. */
    public BigDecimal billedCents(Instant hour) {
        BigDecimal total = BigDecimal.ZERO;
        for (Stream stream : STREAMS) {
            UsageRow row = stream.row(hour);
            if (stream.tier().startsWith("priority")) {
                total = total.add(pricer.price(row).cents());
                continue;
            }
            for (TokenType type : TokenType.values()) {
                total = total.add(cents(stream, row, type));
            }
            total = total.add(BigDecimal.valueOf(row.webSearchRequests()));
        }
        return total;
    }

    /** Serves the usage hours {@code [from, to)} and the cost days {@code first..last} on the fake Admin API. */
    public void serve(FakeAdminApi api, Instant from, Instant to, LocalDate first, LocalDate last) {
        List<UsageBucket> buckets = hours(from, to);
        for (int i = 0, page = 1; i < buckets.size(); i += 24, page++) {
            boolean more = i + 24 < buckets.size();
            api.server().stubFor(FakeAdminApi.usagePage(page == 1 ? null : "usage_" + page).atPriority(5)
                    .willReturn(FakeAdminApi.json(ReportJsonWriter.usagePage(buckets.subList(i,
                            Math.min(buckets.size(), i + 24)), more, more ? "usage_" + (page + 1) : null))));
        }
        List<CostDay> days = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            days.add(bill(day));
        }
        api.server().stubFor(FakeAdminApi.costPage(null).atPriority(5)
                .willReturn(FakeAdminApi.json(ReportJsonWriter.costPage(days, false, null))));
        api.server().stubFor(get(urlPathEqualTo(FakeAdminApi.WORKSPACES_PATH)).willReturn(FakeAdminApi.json(
                ReportJsonWriter.workspacesPage(List.of(new Workspace(SUPPORT, "Support", Optional.empty()),
                        new Workspace(RESEARCH, "Research", Optional.empty()),
                        new Workspace(BATCH, "Batch", Optional.empty())), false))));
    }
}
