package org.costobservatory.insight;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.Calibration;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.pricing.UsagePricer;
import org.costobservatory.store.CalibrationStore;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.StoredUsageHour;
import org.costobservatory.store.WorkspaceStore;

/**
 * Who spends, and what would be cheaper, from the stored usage rows (usage at list price: the only report with API
 * keys, token types and service tiers). Every amount adds up from the stored rows; what-if savings reprice the same
 * rows, at the prices learned from the bill where known (else with the price table), and are estimates, each stated
 * with its assumptions.
 */
public final class Insights {
    /** The longest range one request covers; it reads twice that (the previous period too). */
    public static final int MAX_DAYS = 31;
    /** Lines listed per ranking before the rest are added up as "others". */
    public static final int TOP = 10;
    public static final String OTHERS = "(others)";
    private static final Pattern WORKSPACE = Pattern.compile("^(default|wrkspc_[A-Za-z0-9_-]{1,128})$");
    private static final Pattern API_KEY = Pattern.compile("^(none|apikey_[A-Za-z0-9_-]{1,128})$");
    private static final Pattern MODEL = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$");

    /** What to look at: a workspace, an API key, or a model id prefix. */
    public record Scope(String kind, String id) {
        /** Parses {@code workspace:ID}, {@code api_key:ID} or {@code model:PREFIX}. */
        public static Scope parse(String text) {
            int colon = text.indexOf(':');
            String kind = colon < 0 ? "" : text.substring(0, colon);
            String id = colon < 0 ? "" : text.substring(colon + 1);
            Pattern rule = switch (kind) {
                case "workspace" -> WORKSPACE;
                case "api_key" -> API_KEY;
                case "model" -> MODEL;
                default -> throw new IllegalArgumentException("scope must be workspace:ID, api_key:ID or "
                        + "model:PREFIX");
            };
            if (!rule.matcher(id).matches()) {
                throw new IllegalArgumentException("scope " + kind + " must be " + switch (kind) {
                    case "workspace" -> "'default' or a workspace id (wrkspc_...)";
                    case "api_key" -> "an API key id (apikey_...) or 'none'";
                    default -> "a model id or prefix such as claude-opus";
                });
            }
            return new Scope(kind, id);
        }

        boolean matches(UsageRow row) {
            return switch (kind) {
                case "workspace" -> row.workspaceId().equals(id);
                case "api_key" -> row.apiKeyId().equals(id);
                default -> row.model().startsWith(id);
            };
        }

        public String text() {
            return kind + ":" + id;
        }
    }

    /** One line of a ranking: this period and the previous one, in cents. */
    public record Line(String key, String name, BigDecimal cents, BigDecimal previousCents) {
    }

    /** Cache reads as a share of input tokens, and what uncached input cost. */
    public record Cache(long readTokens, long uncachedInputTokens, long write5mTokens, long write1hTokens,
                        double hitRate, double previousHitRate, BigDecimal uncachedInputCents,
                        BigDecimal missPremiumCents) {
    }

    /** The Batch API's part of spend and of tokens. */
    public record Batch(BigDecimal cents, double shareOfSpend, double shareOfTokens, double previousShareOfSpend) {
    }

    /** A saving the same traffic could have had, an estimate with its assumptions. */
    public record WhatIf(String id, String label, BigDecimal savingCents, String assumptions, List<Detail> details) {
    }

    /** One part of a what-if, e.g. claude-opus-4-6 as claude-sonnet-4-6. */
    public record Detail(String from, String to, BigDecimal savingCents) {
    }

    public record Report(LocalDate from, LocalDate to, LocalDate previousFrom, LocalDate previousTo,
                         Optional<Scope> scope, BigDecimal totalCents, BigDecimal previousTotalCents, long rows,
                         List<Line> apiKeys, List<Line> workspaces, List<Line> models, Cache cache, Batch batch,
                         List<WhatIf> whatIfs, List<LocalDate> missingDays) {
    }

    private final ReportStore reports;
    private final WorkspaceStore workspaces;
    private final UsagePricer pricer;
    private final CalibrationStore calibrations;

    /** @param calibrations the prices learned from the bill, which what-if savings use where known */
    public Insights(ReportStore reports, WorkspaceStore workspaces, UsagePricer pricer,
                    CalibrationStore calibrations) {
        this.reports = Objects.requireNonNull(reports);
        this.workspaces = Objects.requireNonNull(workspaces);
        this.pricer = Objects.requireNonNull(pricer);
        this.calibrations = Objects.requireNonNull(calibrations);
    }

    /**
     * @throws IllegalArgumentException when {@code to} is before {@code from} or the range is over
     *         {@value #MAX_DAYS} days
     */
    public Report build(LocalDate from, LocalDate to, Optional<Scope> scope) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > MAX_DAYS) {
            throw new IllegalArgumentException("insights cover at most " + MAX_DAYS + " days (asked for " + days
                    + ")");
        }
        LocalDate previousFrom = from.minusDays(days);
        LocalDate previousTo = from.minusDays(1);
        Calibration calibration = calibrations.current();
        Period current = new Period(calibration);
        Period previous = new Period(calibration);
        Set<LocalDate> stored = new HashSet<>();
        CheaperModels cheaper = new CheaperModels(pricer.table());
        for (StoredUsageHour hour : reports.usageHours(previousFrom.atStartOfDay(ZoneOffset.UTC).toInstant(),
                to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())) {
            LocalDate date = hour.hourStart().atOffset(ZoneOffset.UTC).toLocalDate();
            boolean inCurrent = !date.isBefore(from);
            if (inCurrent) {
                stored.add(date);
            }
            for (PricedUsageRow priced : hour.rows()) {
                if (scope.isPresent() && !scope.get().matches(priced.row())) {
                    continue;
                }
                if (inCurrent) {
                    current.add(priced, pricer, cheaper);
                } else {
                    previous.add(priced, pricer, null);
                }
            }
        }
        Map<String, String> names = workspaces.names();
        List<LocalDate> missing = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            if (!stored.contains(day)) {
                missing.add(day);
            }
        }
        UsageBreakdown now = current.breakdown;
        UsageBreakdown before = previous.breakdown;
        Cache cache = new Cache(now.cacheRead, now.uncachedInput, now.cacheWrite5m, now.cacheWrite1h,
                now.cacheHitRate(), before.cacheHitRate(), now.type(TokenType.UNCACHED_INPUT), current.missPremium);
        BigDecimal batchCents = now.byTier.getOrDefault("batch", BigDecimal.ZERO);
        Batch batch = new Batch(batchCents, now.share(batchCents),
                now.tokens() == 0 ? 0 : current.batchTokens / (double) now.tokens(),
                before.share(before.byTier.getOrDefault("batch", BigDecimal.ZERO)));
        return new Report(from, to, previousFrom, previousTo, scope, now.cents, before.cents, now.rows,
                ranking(current.byKey, previous.byKey, key -> Dimensions.NONE.equals(key) ? "(no API key: Console)"
                        : key),
                ranking(current.byWorkspace, previous.byWorkspace, id -> names.getOrDefault(id,
                        Dimensions.DEFAULT_WORKSPACE.equals(id) ? Dimensions.DEFAULT_WORKSPACE_NAME : id)),
                ranking(now.byModel, before.byModel, model -> model),
                cache, batch, current.whatIfs(), missing);
    }

    /** The top lines by this period's spend, then one line adding up the rest, so every ranking sums to the total. */
    static List<Line> ranking(Map<String, BigDecimal> now, Map<String, BigDecimal> before,
                              java.util.function.Function<String, String> name) {
        Set<String> keys = new java.util.TreeSet<>(now.keySet());
        keys.addAll(before.keySet());
        List<Line> lines = new ArrayList<>();
        for (String key : keys) {
            lines.add(new Line(key, name.apply(key), now.getOrDefault(key, BigDecimal.ZERO),
                    before.getOrDefault(key, BigDecimal.ZERO)));
        }
        lines.sort(Comparator.comparing(Line::cents).reversed().thenComparing(Line::previousCents,
                Comparator.reverseOrder()).thenComparing(Line::key));
        if (lines.size() <= TOP + 1) {
            return lines;
        }
        BigDecimal rest = BigDecimal.ZERO;
        BigDecimal restBefore = BigDecimal.ZERO;
        for (Line line : lines.subList(TOP, lines.size())) {
            rest = rest.add(line.cents());
            restBefore = restBefore.add(line.previousCents());
        }
        List<Line> top = new ArrayList<>(lines.subList(0, TOP));
        top.add(new Line(OTHERS, (lines.size() - TOP) + " more", rest, restBefore));
        return top;
    }

    /** One period's rows added up, and (for the asked period) the what-if repricings. */
    private static final class Period {
        final UsageBreakdown breakdown = new UsageBreakdown();
        final Map<String, BigDecimal> byKey = new TreeMap<>();
        final Map<String, BigDecimal> byWorkspace = new TreeMap<>();
        final Map<String, BigDecimal> cheaperByPair = new TreeMap<>();
        final Calibration calibration;
        BigDecimal missPremium = BigDecimal.ZERO;
        BigDecimal oneHourSaving = BigDecimal.ZERO;
        BigDecimal batchSaving = BigDecimal.ZERO;
        long batchTokens;

        Period(Calibration calibration) {
            this.calibration = calibration;
        }

        /** The row's cost for a what-if: at the price learned from the bill where known, else at list price. */
        private BigDecimal cost(UsagePricer pricer, UsageRow row) {
            return pricer.price(row, calibration).estimateCents();
        }

        void add(PricedUsageRow priced, UsagePricer pricer, CheaperModels cheaper) {
            UsageRow row = priced.row();
            BigDecimal cents = priced.price().cents();
            breakdown.add(row, cents, cheaper == null ? Map.of() : TokenType.costs(row, pricer));
            byKey.merge(row.apiKeyId(), cents, BigDecimal::add);
            byWorkspace.merge(row.workspaceId(), cents, BigDecimal::add);
            if ("batch".equals(row.serviceTier())) {
                batchTokens += row.totalTokens();
            }
            if (cheaper == null) {
                return;
            }
            BigDecimal baseline = cost(pricer, row);
            if (row.uncachedInputTokens() > 0) {
                missPremium = missPremium.add(baseline.subtract(cost(pricer, with(row, row.model(), row.serviceTier(),
                        0, row.cacheReadInputTokens() + row.uncachedInputTokens(), row.cacheCreation5mInputTokens(),
                        row.cacheCreation1hInputTokens()))));
            }
            Optional<String> target = cheaper.cheaperThan(row.model(), row.bucketStart().atOffset(ZoneOffset.UTC)
                    .toLocalDate());
            if (target.isPresent()) {
                BigDecimal saving = baseline.subtract(cost(pricer, with(row, target.get(), row.serviceTier(),
                        row.uncachedInputTokens(), row.cacheReadInputTokens(), row.cacheCreation5mInputTokens(),
                        row.cacheCreation1hInputTokens())));
                cheaperByPair.merge(row.model() + "\u0000" + target.get(), saving, BigDecimal::add);
            }
            if (row.cacheCreation1hInputTokens() > 0) {
                oneHourSaving = oneHourSaving.add(baseline.subtract(cost(pricer, with(row, row.model(),
                        row.serviceTier(), row.uncachedInputTokens(), row.cacheReadInputTokens(),
                        row.cacheCreation5mInputTokens() + row.cacheCreation1hInputTokens(), 0))));
            }
            if ("standard".equals(row.serviceTier()) && !Dimensions.NONE.equals(row.apiKeyId())) {
                batchSaving = batchSaving.add(baseline.subtract(cost(pricer, with(row, row.model(), "batch",
                        row.uncachedInputTokens(), row.cacheReadInputTokens(), row.cacheCreation5mInputTokens(),
                        row.cacheCreation1hInputTokens()))));
            }
        }

        List<WhatIf> whatIfs() {
            List<Detail> pairs = new ArrayList<>();
            BigDecimal total = BigDecimal.ZERO;
            for (Map.Entry<String, BigDecimal> pair : cheaperByPair.entrySet()) {
                String[] models = pair.getKey().split("\u0000");
                pairs.add(new Detail(models[0], models[1], pair.getValue()));
                total = total.add(pair.getValue());
            }
            pairs.sort(Comparator.comparing(Detail::savingCents).reversed());
            String basis = calibration.isEmpty() ? "Estimate at list price" : "Estimate at the prices learned from "
                    + "the bill where known (else list price)";
            Map<String, WhatIf> ordered = new LinkedHashMap<>();
            ordered.put("cheaper_model", new WhatIf("cheaper_model", "The same traffic on the next cheaper model "
                    + "of its family (Opus \u2192 Sonnet, Sonnet \u2192 Haiku)", total,
                    basis + ": the same token counts (input, output and cache alike) priced as the "
                            + "same generation of the cheaper family when the price table lists it, else its newest "
                            + "model current that day; whether the cheaper model does the job as well is not "
                            + "considered.", pairs));
            ordered.put("cache_1h_as_5m", new WhatIf("cache_1h_as_5m", "1-hour cache writes as 5-minute ones",
                    oneHourSaving, basis + ": every 1-hour cache write priced as a 5-minute write, "
                    + "reads unchanged. An upper bound: where a prompt is reused more than 5 minutes apart it would "
                    + "have to be written again.", List.of()));
            ordered.put("standard_as_batch", new WhatIf("standard_as_batch", "Eligible standard traffic through "
                    + "the Batch API", batchSaving, basis + ": standard-tier traffic of API keys "
                    + "(Console usage and Priority Tier excluded) at the batch price, half the token price; web "
                    + "search unchanged. An upper bound: only work that can wait up to 24 hours can move to "
                    + "batch.", List.of()));
            return List.copyOf(ordered.values());
        }

        private static UsageRow with(UsageRow row, String model, String tier, long uncached, long read, long write5m,
                                     long write1h) {
            return new UsageRow(row.bucketStart(), row.workspaceId(), row.apiKeyId(), model, tier,
                    row.contextWindow(), uncached, read, write5m, write1h, row.outputTokens(),
                    row.webSearchRequests());
        }
    }
}
