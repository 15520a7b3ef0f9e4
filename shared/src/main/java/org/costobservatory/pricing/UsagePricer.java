package org.costobservatory.pricing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.log.Log;

/**
 * Prices usage lines, in this order: the price learned from the bill for the line's workspace, model, tier and
 * context window ({@link Calibration}); else the model's learned ratio to its list price; else the dated list price;
 * else, for a model with no list price on the line's date, the most expensive current model of its family, else the
 * most expensive current model (never a retired one, see {@link PriceTable#fallbackFor}), flagged as unpriced and
 * logged once per process. Nothing is ever counted as $0.
 */
public final class UsagePricer {
    private static final Log LOG = Log.get(UsagePricer.class);
    /** USD per million tokens times tokens gives micro-dollars; cents are that divided by 10,000. */
    private static final BigDecimal PER_MILLION_TO_CENTS = BigDecimal.valueOf(10_000);
    private static final BigDecimal CENTS_PER_USD = BigDecimal.valueOf(100);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private final PriceTable table;
    private final Set<String> reportedUnpriced = ConcurrentHashMap.newKeySet();

    public UsagePricer(PriceTable table) {
        this.table = Objects.requireNonNull(table);
    }

    public PriceTable table() {
        return table;
    }

    /** The list rates of one kind of usage: its model (or stand-in) on that day, context window and tier. */
    public record ListRates(String pricedAs, boolean unpriced, Map<TokenType, BigDecimal> usdPerMtok) {
        public ListRates {
            usdPerMtok = Map.copyOf(usdPerMtok);
        }

        public BigDecimal rate(TokenType type) {
            return usdPerMtok.get(type);
        }
    }

    /** List rates per token kind, USD per million tokens, the batch discount applied. */
    public ListRates listRates(String model, LocalDate date, String contextWindow, String serviceTier) {
        Optional<ModelPrice> listed = table.lookup(model, date);
        ModelPrice price = listed.orElseGet(() -> table.fallbackFor(model, date));
        TokenRates rates = price.ratesFor(contextWindow);
        BigDecimal tier = "batch".equals(serviceTier) ? table.batchMultiplier() : BigDecimal.ONE;
        Map<TokenType, BigDecimal> perType = new EnumMap<>(TokenType.class);
        for (TokenType type : TokenType.values()) {
            perType.put(type, Money.normalize(type.rateOf(rates).multiply(tier)));
        }
        return new ListRates(price.model(), listed.isEmpty(), perType);
    }

    /** At list price only. */
    public PricedUsage price(UsageRow row) {
        return price(row, Calibration.NONE);
    }

    /** At the learned price where there is one, else at list price (see the class comment for the order). */
    public PricedUsage price(UsageRow row, Calibration calibration) {
        return cost(row, calibration).priced();
    }

    /** The line's cost by token kind, at list price and as estimated. */
    public UsageCost cost(UsageRow row, Calibration calibration) {
        LocalDate date = row.bucketStart().atOffset(ZoneOffset.UTC).toLocalDate();
        ListRates list = listRates(row.model(), date, row.contextWindow(), row.serviceTier());
        if (list.unpriced() && reportedUnpriced.add(row.model())) {
            LOG.warn("model has no list price; counting it at the price of the most expensive current model of"
                    + " its family, or of any family, until the bill teaches its price", "model", row.model(),
                    "priced_as", list.pricedAs());
        }
        Map<TokenType, BigDecimal> listCents = new EnumMap<>(TokenType.class);
        for (TokenType type : TokenType.values()) {
            listCents.put(type, cents(type.tokensOf(row), list.rate(type)));
        }
        Map<TokenType, BigDecimal> estimate = new EnumMap<>(TokenType.class);
        PriceBasis basis;
        Optional<CalibratedPrice> exact = calibration.price(CalibrationKey.of(row));
        Optional<ModelRatio> ratio = calibration.model(row.model());
        if (exact.isPresent()) {
            for (TokenType type : TokenType.values()) {
                estimate.put(type, cents(type.tokensOf(row), exact.get().rate(type)));
            }
            basis = PriceBasis.CALIBRATED;
        } else if (ratio.isPresent()) {
            listCents.forEach((type, cents) -> estimate.put(type,
                    Money.normalize(cents.multiply(ratio.get().ratioToList()))));
            basis = PriceBasis.CALIBRATED;
        } else {
            estimate.putAll(listCents);
            basis = list.unpriced() ? PriceBasis.UNPRICED : PriceBasis.LIST;
        }
        BigDecimal searchCents = Money.normalize(table.webSearchUsdPerThousand().multiply(CENTS_PER_USD)
                .multiply(BigDecimal.valueOf(row.webSearchRequests())).divide(THOUSAND));
        return new UsageCost(list.pricedAs(), list.unpriced(), basis, listCents, estimate, searchCents);
    }

    private static BigDecimal cents(long tokens, BigDecimal usdPerMtok) {
        if (tokens == 0) {
            return BigDecimal.ZERO;
        }
        return Money.normalize(usdPerMtok.multiply(BigDecimal.valueOf(tokens)).divide(PER_MILLION_TO_CENTS));
    }
}
