package org.costobservatory.pricing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.log.Log;

/**
 * Prices usage lines at list price. A model with no list price on the line's date is never counted as $0: it is
 * priced as the most expensive current model of its family, else the most expensive current model (never a retired
 * one, see {@link PriceTable#fallbackFor}), flagged as unpriced, and logged once per process.
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

    public PricedUsage price(UsageRow row) {
        LocalDate date = row.bucketStart().atOffset(ZoneOffset.UTC).toLocalDate();
        ModelPrice price = table.lookup(row.model(), date).orElse(null);
        boolean unpriced = price == null;
        if (unpriced) {
            price = table.fallbackFor(row.model(), date);
            if (reportedUnpriced.add(row.model())) {
                LOG.warn("model has no list price; counting it at the price of the most expensive current model of"
                        + " its family, or of any family", "model", row.model(), "priced_as", price.model());
            }
        }
        TokenRates rates = price.ratesFor(row.contextWindow());
        BigDecimal micros = rates.input().multiply(BigDecimal.valueOf(row.uncachedInputTokens()))
                .add(rates.output().multiply(BigDecimal.valueOf(row.outputTokens())))
                .add(rates.cacheWrite5m().multiply(BigDecimal.valueOf(row.cacheCreation5mInputTokens())))
                .add(rates.cacheWrite1h().multiply(BigDecimal.valueOf(row.cacheCreation1hInputTokens())))
                .add(rates.cacheRead().multiply(BigDecimal.valueOf(row.cacheReadInputTokens())));
        BigDecimal tokenCents = micros.divide(PER_MILLION_TO_CENTS);
        if ("batch".equals(row.serviceTier())) {
            tokenCents = tokenCents.multiply(table.batchMultiplier());
        }
        BigDecimal searchCents = table.webSearchUsdPerThousand().multiply(CENTS_PER_USD)
                .multiply(BigDecimal.valueOf(row.webSearchRequests())).divide(THOUSAND);
        BigDecimal cents = tokenCents.add(searchCents);
        return new PricedUsage(Money.normalize(cents), price.model(), unpriced);
    }
}
