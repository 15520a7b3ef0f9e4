package org.costobservatory.pricing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.UsageRow;

/**
 * Learns effective prices from settled days. For each day, the cost report's token lines (structured fields only:
 * model, token type, service tier, context window, workspace; inference geography is summed over) are set against the
 * usage report's token counts for the same day and dimensions. A key's days are pooled, so its price is the
 * token-weighted average of what was billed.
 * <ul>
 *   <li>A token kind is learned when the pooled days hold at least {@link #MIN_TOKENS} tokens of it and the bill
 *       charged something for them (a price is never learned as $0).</li>
 *   <li>The kinds not learned are priced at list price times the key's billed/list ratio over the kinds learned.</li>
 *   <li>Usage with no billed line (Priority Tier, which the cost report leaves out) and billed lines with no usage
 *       teach nothing.</li>
 * </ul>
 * Feed it the days of the window with {@link #addDay}, then {@link #learn}.
 */
public final class CalibrationLearner {
    /** Settled days learned from: the last week, so every weekday and the weekend are in it. */
    public static final int WINDOW_DAYS = 7;
    /** Tokens of one kind a key needs over its days before its price is learned. */
    public static final long MIN_TOKENS = 10_000;
    /** Learned prices keep this many decimals of USD per million tokens (a millionth of a millionth of a cent). */
    static final int RATE_SCALE = 12;
    private static final BigDecimal PER_MILLION_TO_CENTS = BigDecimal.valueOf(10_000);

    private final UsagePricer pricer;
    private final Map<CalibrationKey, KeyEvidence> evidence = new TreeMap<>();

    public CalibrationLearner(UsagePricer pricer) {
        this.pricer = Objects.requireNonNull(pricer);
    }

    /** What one key was billed and used, by token kind, over the days added. */
    private static final class KeyEvidence {
        final Map<TokenType, Long> tokens = new EnumMap<>(TokenType.class);
        final Map<TokenType, BigDecimal> billed = new EnumMap<>(TokenType.class);
        final Map<TokenType, BigDecimal> list = new EnumMap<>(TokenType.class);
        final TreeSet<LocalDate> days = new TreeSet<>();
    }

    /** Adds one settled day: its cost report lines and its usage lines (every hour of the day). */
    public void addDay(LocalDate date, Iterable<CostRow> cost, Iterable<UsageRow> usage) {
        Map<CalibrationKey, Map<TokenType, BigDecimal>> billed = new TreeMap<>();
        for (CostRow row : cost) {
            Optional<TokenType> type = TokenType.fromId(row.tokenType());
            if (!"tokens".equals(row.costType()) || type.isEmpty() || Dimensions.NONE.equals(row.model())
                    || row.amountCents().signum() <= 0) {
                continue;
            }
            billed.computeIfAbsent(CalibrationKey.of(row), k -> new EnumMap<>(TokenType.class))
                    .merge(type.get(), row.amountCents(), BigDecimal::add);
        }
        Map<CalibrationKey, Map<TokenType, Long>> used = new TreeMap<>();
        for (UsageRow row : usage) {
            CalibrationKey key = CalibrationKey.of(row);
            if (!billed.containsKey(key)) {
                continue;
            }
            Map<TokenType, Long> counts = used.computeIfAbsent(key, k -> new EnumMap<>(TokenType.class));
            for (TokenType type : TokenType.values()) {
                counts.merge(type, type.tokensOf(row), Math::addExact);
            }
        }
        billed.forEach((key, byType) -> {
            Map<TokenType, Long> counts = used.get(key);
            if (counts == null) {
                return;
            }
            UsagePricer.ListRates rates = pricer.listRates(key.model(), date, key.contextWindow(), key.serviceTier());
            KeyEvidence keyEvidence = null;
            for (Map.Entry<TokenType, BigDecimal> entry : byType.entrySet()) {
                long tokens = counts.getOrDefault(entry.getKey(), 0L);
                if (tokens <= 0) {
                    continue;
                }
                if (keyEvidence == null) {
                    keyEvidence = evidence.computeIfAbsent(key, k -> new KeyEvidence());
                }
                TokenType type = entry.getKey();
                keyEvidence.tokens.merge(type, tokens, Math::addExact);
                keyEvidence.billed.merge(type, entry.getValue(), BigDecimal::add);
                keyEvidence.list.merge(type, rates.rate(type).multiply(BigDecimal.valueOf(tokens))
                        .divide(PER_MILLION_TO_CENTS), BigDecimal::add);
                keyEvidence.days.add(date);
            }
        });
    }

    /** What the days added teach, as learned from the window {@code from..to}. */
    public Calibration learn(LocalDate from, LocalDate to) {
        List<CalibratedPrice> prices = new ArrayList<>();
        Map<String, BigDecimal[]> models = new TreeMap<>();
        Map<String, TreeSet<LocalDate>> modelDays = new TreeMap<>();
        evidence.forEach((key, keyEvidence) -> {
            Map<TokenType, CalibratedPrice.Evidence> learned = new EnumMap<>(TokenType.class);
            BigDecimal billed = BigDecimal.ZERO;
            BigDecimal list = BigDecimal.ZERO;
            for (TokenType type : TokenType.values()) {
                long tokens = keyEvidence.tokens.getOrDefault(type, 0L);
                BigDecimal typeBilled = keyEvidence.billed.getOrDefault(type, BigDecimal.ZERO);
                if (tokens < MIN_TOKENS || typeBilled.signum() <= 0) {
                    continue;
                }
                BigDecimal typeList = keyEvidence.list.get(type);
                learned.put(type, new CalibratedPrice.Evidence(tokens, Money.normalize(typeBilled),
                        Money.normalize(typeList)));
                billed = billed.add(typeBilled);
                list = list.add(typeList);
            }
            if (learned.isEmpty()) {
                return;
            }
            BigDecimal ratio = ratio(billed, list);
            LocalDate latest = keyEvidence.days.last();
            UsagePricer.ListRates rates = pricer.listRates(key.model(), latest, key.contextWindow(),
                    key.serviceTier());
            Map<TokenType, BigDecimal> perType = new EnumMap<>(TokenType.class);
            for (TokenType type : TokenType.values()) {
                CalibratedPrice.Evidence seen = learned.get(type);
                BigDecimal rate = seen != null
                        ? seen.billedCents().multiply(PER_MILLION_TO_CENTS)
                        .divide(BigDecimal.valueOf(seen.tokens()), MathContext.DECIMAL128)
                        : rates.rate(type).multiply(ratio);
                perType.put(type, round(rate));
            }
            prices.add(new CalibratedPrice(key, rates.pricedAs(), perType, rates.usdPerMtok(), ratio, learned,
                    List.copyOf(keyEvidence.days)));
            BigDecimal[] totals = models.computeIfAbsent(key.model(), m -> new BigDecimal[] {BigDecimal.ZERO,
                    BigDecimal.ZERO});
            totals[0] = totals[0].add(billed);
            totals[1] = totals[1].add(list);
            modelDays.computeIfAbsent(key.model(), m -> new TreeSet<>()).addAll(keyEvidence.days);
        });
        List<ModelRatio> ratios = new ArrayList<>();
        models.forEach((model, totals) -> ratios.add(new ModelRatio(model, ratio(totals[0], totals[1]),
                Money.normalize(totals[0]), Money.normalize(totals[1]), List.copyOf(modelDays.get(model)))));
        return new Calibration(Optional.of(from), Optional.of(to), prices, ratios);
    }

    private static BigDecimal ratio(BigDecimal billed, BigDecimal list) {
        if (list.signum() <= 0) {
            return BigDecimal.ONE;
        }
        return round(billed.divide(list, MathContext.DECIMAL128));
    }

    private static BigDecimal round(BigDecimal value) {
        return Money.normalize(value.setScale(RATE_SCALE, RoundingMode.HALF_EVEN));
    }
}
