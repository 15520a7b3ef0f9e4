package org.costobservatory.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.ApiKeyStore;
import org.costobservatory.store.ReportStore;
import org.costobservatory.store.StoredCostDay;
import org.costobservatory.store.StoredUsageHour;
import org.costobservatory.store.Watermark;
import org.costobservatory.store.WatermarkStore;
import org.costobservatory.store.WorkspaceStore;

/** Builds reports from the stored rows (never from Anthropic), for showback and chargeback. */
public final class Reports {
    /**
     * The longest range one report reads: a year of cost days (366 reads of a day each), or a month of usage hours
     * (744 reads of an hour each). Each stored day or hour is one query of its partition, so a request's reads are
     * bounded by its range; a longer export is asked for in parts.
     */
    public static final int MAX_COST_DAYS = 366;
    public static final int MAX_USAGE_DAYS = 31;

    private final ReportStore store;
    private final WorkspaceStore workspaces;
    private final ApiKeyStore apiKeys;
    private final WatermarkStore watermarks;

    public Reports(ReportStore store, WorkspaceStore workspaces, ApiKeyStore apiKeys, WatermarkStore watermarks) {
        this.store = Objects.requireNonNull(store);
        this.workspaces = Objects.requireNonNull(workspaces);
        this.apiKeys = Objects.requireNonNull(apiKeys);
        this.watermarks = Objects.requireNonNull(watermarks);
    }

    /** Names for the grouping's keys: workspaces and API keys have them; other groupings are their own names. */
    private Map<String, String> names(Grouping groupBy) {
        return switch (groupBy) {
            case WORKSPACE -> workspaces.names();
            case API_KEY -> apiKeys.names();
            default -> Map.of();
        };
    }

    /** The cost report's lines, grouped. */
    public Report costs(LocalDate from, LocalDate to, Grouping groupBy) {
        checkRange(from, to, MAX_COST_DAYS, groupBy, true);
        Map<String, String> names = names(groupBy);
        Map<String, BigDecimal> totals = new TreeMap<>();
        List<LocalDate> missing = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            Optional<StoredCostDay> stored = store.costDay(day);
            if (stored.isEmpty()) {
                missing.add(day);
                continue;
            }
            if (groupBy == Grouping.DAY) {
                totals.merge(day.toString(), stored.get().totalCents(), BigDecimal::add);
            }
            for (CostRow row : stored.get().rows()) {
                String key = switch (groupBy) {
                    case DAY -> null;
                    case WORKSPACE -> row.workspaceId();
                    case MODEL -> row.model();
                    case DESCRIPTION -> row.description();
                    case SERVICE_TIER -> row.serviceTier();
                    case API_KEY -> throw new IllegalStateException("checked above");
                };
                if (key != null) {
                    totals.merge(key, row.amountCents(), BigDecimal::add);
                }
            }
        }
        List<ReportLine> lines = new ArrayList<>();
        totals.forEach((key, cents) -> lines.add(new ReportLine(key, name(groupBy, key, names), cents, Map.of())));
        return new Report("costs", from, to, groupBy, lines, sum(lines), missing, settledThrough());
    }

    /** The usage report's lines, grouped, with token counts and list-price cost. */
    public Report usage(LocalDate from, LocalDate to, Grouping groupBy) {
        checkRange(from, to, MAX_USAGE_DAYS, groupBy, false);
        Map<String, String> names = names(groupBy);
        Map<String, BigDecimal> cents = new TreeMap<>();
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        List<LocalDate> missing = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            boolean any = false;
            Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            for (int hour = 0; hour < 24; hour++) {
                Optional<StoredUsageHour> stored = store.usageHour(start.plus(hour, ChronoUnit.HOURS));
                if (stored.isEmpty()) {
                    continue;
                }
                any = true;
                for (PricedUsageRow priced : stored.get().rows()) {
                    UsageRow row = priced.row();
                    String key = switch (groupBy) {
                        case DAY -> day.toString();
                        case WORKSPACE -> row.workspaceId();
                        case MODEL -> row.model();
                        case API_KEY -> row.apiKeyId();
                        case SERVICE_TIER -> row.serviceTier();
                        case DESCRIPTION -> throw new IllegalStateException("checked above");
                    };
                    cents.merge(key, priced.price().cents(), BigDecimal::add);
                    Map<String, Long> c = counts.computeIfAbsent(key, k -> new LinkedHashMap<>());
                    c.merge("uncached_input_tokens", row.uncachedInputTokens(), Long::sum);
                    c.merge("cache_read_input_tokens", row.cacheReadInputTokens(), Long::sum);
                    c.merge("cache_creation_5m_input_tokens", row.cacheCreation5mInputTokens(), Long::sum);
                    c.merge("cache_creation_1h_input_tokens", row.cacheCreation1hInputTokens(), Long::sum);
                    c.merge("output_tokens", row.outputTokens(), Long::sum);
                    c.merge("web_search_requests", row.webSearchRequests(), Long::sum);
                }
            }
            if (!any) {
                missing.add(day);
            }
        }
        List<ReportLine> lines = new ArrayList<>();
        cents.forEach((key, amount) -> lines.add(new ReportLine(key, name(groupBy, key, names), amount,
                counts.get(key))));
        return new Report("usage", from, to, groupBy, lines, sum(lines), missing, settledThrough());
    }

    private Optional<LocalDate> settledThrough() {
        return watermarks.get(ReportKind.COST).map(Watermark::settledThrough);
    }

    private static String name(Grouping groupBy, String key, Map<String, String> names) {
        if (groupBy == Grouping.WORKSPACE) {
            return names.getOrDefault(key, key);
        }
        if (groupBy == Grouping.API_KEY) {
            return Dimensions.NONE.equals(key) ? "(no API key: Console)" : names.getOrDefault(key, key);
        }
        return Dimensions.NONE.equals(key) ? "(none)" : key;
    }

    private static BigDecimal sum(List<ReportLine> lines) {
        return lines.stream().map(ReportLine::amountCents).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static void checkRange(LocalDate from, LocalDate to, int maxDays, Grouping groupBy, boolean cost) {
        if (to.isBefore(from)) {
            throw new InvalidReportRequest("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > maxDays) {
            throw new InvalidReportRequest("a " + (cost ? "cost" : "usage") + " report covers at most " + maxDays
                    + " days per request (from " + from + " to " + to + " is " + (ChronoUnit.DAYS.between(from, to) + 1)
                    + "); ask for a longer range in parts");
        }
        if (cost ? !groupBy.forCost() : !groupBy.forUsage()) {
            throw new InvalidReportRequest("group_by must be one of " + Grouping.ids(cost));
        }
    }
}
