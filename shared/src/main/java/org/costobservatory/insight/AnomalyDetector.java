package org.costobservatory.insight;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.domain.Money;
import org.costobservatory.store.Anomaly;

/**
 * Which scopes had an unusual settled day, and why. Pure: the caller reads the daily spend and the usage rows.
 * <ul>
 *   <li>A day is anomalous for a workspace, API key or model when it spent more than {@value #FACTOR} times the mean
 *       of the 7 days before (a day without spend counts as zero) and more than the dollar floor.</li>
 *   <li>A scope with no spend in the {@value #NEW_AFTER_DAYS} days before is new: any day above the floor is
 *       anomalous, and the explanation says so.</li>
 *   <li>The explanation compares the day's usage rows with the mean of the 7 days before: which token type's cost
 *       grew (uncached input with a falling cache hit rate is cache misses), a shift in the model mix, the share of
 *       long-context, batch and Priority Tier traffic, and plain volume.</li>
 * </ul>
 */
public final class AnomalyDetector {
    public static final int FACTOR = 2;
    public static final int TRAILING_DAYS = 7;
    public static final int NEW_AFTER_DAYS = 56;
    /** A share (model, long context, tier) must move this much to be named. */
    static final double SHARE_SHIFT = 0.15;
    /** The cache hit rate must fall this much for an uncached-input rise to be called cache misses. */
    static final double CACHE_DROP = 0.10;
    /** Volume is named when the day's tokens are at least this many times the usual. */
    static final double VOLUME_RATIO = 1.5;

    private AnomalyDetector() {
    }

    /** One scope's daily spend in cents; days not in the map spent nothing. */
    public record Series(String kind, String id, String name, Map<LocalDate, BigDecimal> dailyCents) {
        public Series {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(id);
            dailyCents = Map.copyOf(dailyCents);
        }

        BigDecimal on(LocalDate date) {
            return dailyCents.getOrDefault(date, BigDecimal.ZERO);
        }
    }

    /** A scope flagged on a day, before it is explained. */
    public record Flagged(Series series, LocalDate date, BigDecimal spentCents, BigDecimal baselineCents,
                          boolean isNew) {
    }

    /** The scopes whose {@code date} is anomalous, the largest excess over twice the baseline first. */
    public static List<Flagged> flag(List<Series> scopes, LocalDate date, BigDecimal floorUsd) {
        BigDecimal floorCents = Money.usdToCents(floorUsd);
        List<Flagged> flagged = new ArrayList<>();
        for (Series series : scopes) {
            BigDecimal spent = series.on(date);
            if (spent.compareTo(floorCents) <= 0) {
                continue;
            }
            BigDecimal trailing = BigDecimal.ZERO;
            for (int back = 1; back <= TRAILING_DAYS; back++) {
                trailing = trailing.add(series.on(date.minusDays(back)));
            }
            BigDecimal baseline = trailing.divide(BigDecimal.valueOf(TRAILING_DAYS), MathContext.DECIMAL64);
            if (spent.compareTo(baseline.multiply(BigDecimal.valueOf(FACTOR))) <= 0) {
                continue;
            }
            boolean isNew = true;
            for (int back = 1; back <= NEW_AFTER_DAYS && isNew; back++) {
                isNew = series.on(date.minusDays(back)).signum() <= 0;
            }
            flagged.add(new Flagged(series, date, spent, baseline, isNew));
        }
        flagged.sort(Comparator.comparing((Flagged f) -> f.spentCents().subtract(
                f.baselineCents().multiply(BigDecimal.valueOf(FACTOR)))).reversed());
        return flagged;
    }

    /**
     * Explains a flagged day from the usage rows of the scope on that day ({@code day}) and on the 7 days before
     * ({@code before}, all 7 added up).
     */
    static Anomaly explain(Flagged flagged, UsageBreakdown day, UsageBreakdown before) {
        List<Anomaly.Reason> reasons = new ArrayList<>();
        Series series = flagged.series();
        if (flagged.isNew()) {
            reasons.add(Anomaly.Reason.of("new_scope", "new " + noun(series.kind()) + ": no spend in the "
                    + NEW_AFTER_DAYS + " days before"));
        }
        if (day.rows == 0) {
            reasons.add(Anomaly.Reason.of("no_usage_rows", "no usage rows are stored for this day, so the rise is "
                    + "known only from the cost report"));
        } else {
            tokenTypes(day, before, reasons);
            if (!Anomaly.MODEL.equals(series.kind())) {
                shares("model_mix", day.byModel, day, before.byModel, before, reasons, model -> model
                        + " was %s of spend (%s before)");
            }
            shareOf("long_context", "200k-1M", day.longContextCents, day, before.longContextCents, before, reasons,
                    "long context (200k-1M) was %s of spend (%s before)");
            for (String tier : List.of("batch", "priority")) {
                shareOf("service_tier", tier, day.byTier.getOrDefault(tier, BigDecimal.ZERO), day,
                        before.byTier.getOrDefault(tier, BigDecimal.ZERO), before, reasons,
                        ("batch".equals(tier) ? "batch" : "Priority Tier") + " was %s of spend (%s before)");
            }
            double usualTokens = before.tokens() / (double) TRAILING_DAYS;
            if (usualTokens > 0 && day.tokens() >= VOLUME_RATIO * usualTokens) {
                reasons.add(Anomaly.Reason.of("volume", String.format(java.util.Locale.ROOT,
                        "volume: %.1f\u00d7 the tokens of a usual day", day.tokens() / usualTokens)));
            }
        }
        return new Anomaly(flagged.date(), series.kind(), series.id(), series.name(),
                flagged.spentCents(), flagged.baselineCents().setScale(4, RoundingMode.HALF_UP).stripTrailingZeros(),
                reasons);
    }

    /** The token types whose cost grew most (each at least a fifth of the day's whole rise). */
    private static void tokenTypes(UsageBreakdown day, UsageBreakdown before, List<Anomaly.Reason> reasons) {
        BigDecimal days = BigDecimal.valueOf(TRAILING_DAYS);
        BigDecimal rise = day.cents.subtract(before.cents.divide(days, MathContext.DECIMAL64));
        List<TokenType> growing = new ArrayList<>(List.of(TokenType.values()));
        growing.sort(Comparator.comparing((TokenType type) -> day.type(type)
                .subtract(before.type(type).divide(days, MathContext.DECIMAL64))).reversed());
        for (TokenType type : growing.subList(0, 2)) {
            BigDecimal usual = before.type(type).divide(days, MathContext.DECIMAL64);
            BigDecimal growth = day.type(type).subtract(usual);
            if (growth.signum() <= 0 || (rise.signum() > 0
                    && growth.compareTo(rise.divide(BigDecimal.valueOf(5), MathContext.DECIMAL64)) < 0)) {
                continue;
            }
            String money = Money.format(Money.centsToUsd(day.type(type))) + " on the day, "
                    + Money.format(Money.centsToUsd(usual)) + " a usual day";
            double usualHitRate = before.cacheHitRate();
            if (type == TokenType.UNCACHED_INPUT && usualHitRate - day.cacheHitRate() >= CACHE_DROP) {
                reasons.add(new Anomaly.Reason("cache_misses", Optional.of("cache_hit_rate"),
                        Optional.of(rate(usualHitRate)), Optional.of(rate(day.cacheHitRate())), Optional.of("share"),
                        "cache misses: uncached input cost " + money + "; the cache hit rate fell from "
                                + percent(usualHitRate) + " to " + percent(day.cacheHitRate())));
            } else {
                reasons.add(new Anomaly.Reason("token_type", Optional.of(type.id()),
                        Optional.of(Money.centsToRoundedUsd(usual)), Optional.of(Money.centsToRoundedUsd(
                        day.type(type))), Optional.of("usd"), type.label() + " cost " + money));
            }
        }
    }

    /** The model whose share of spend grew most, when it grew enough. */
    private static void shares(String kind, Map<String, BigDecimal> dayParts, UsageBreakdown day,
                               Map<String, BigDecimal> beforeParts, UsageBreakdown before,
                               List<Anomaly.Reason> reasons, java.util.function.Function<String, String> text) {
        java.util.Set<String> names = new java.util.TreeSet<>(dayParts.keySet());
        names.addAll(beforeParts.keySet());
        String most = null;
        double shift = 0;
        for (String name : names) {
            double moved = day.share(dayParts.getOrDefault(name, BigDecimal.ZERO))
                    - before.share(beforeParts.getOrDefault(name, BigDecimal.ZERO));
            if (moved > shift) {
                shift = moved;
                most = name;
            }
        }
        if (most != null && shift >= SHARE_SHIFT) {
            shareOf(kind, most, dayParts.getOrDefault(most, BigDecimal.ZERO), day,
                    beforeParts.getOrDefault(most, BigDecimal.ZERO), before, reasons, text.apply(most));
        }
    }

    private static void shareOf(String kind, String subject, BigDecimal dayPart, UsageBreakdown day,
                                BigDecimal beforePart, UsageBreakdown before, List<Anomaly.Reason> reasons,
                                String format) {
        double now = day.share(dayPart);
        double usual = before.share(beforePart);
        if (Math.abs(now - usual) >= SHARE_SHIFT) {
            reasons.add(new Anomaly.Reason(kind, Optional.of(subject), Optional.of(rate(usual)),
                    Optional.of(rate(now)), Optional.of("share"), String.format(java.util.Locale.ROOT, format,
                    percent(now), percent(usual))));
        }
    }

    private static BigDecimal rate(double share) {
        return BigDecimal.valueOf(share).setScale(4, RoundingMode.HALF_UP);
    }

    private static String percent(double share) {
        return Math.round(share * 100) + "%";
    }

    private static String noun(String kind) {
        return switch (kind) {
            case Anomaly.WORKSPACE -> "workspace";
            case Anomaly.API_KEY -> "API key";
            default -> "model";
        };
    }
}
