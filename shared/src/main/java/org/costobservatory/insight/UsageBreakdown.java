package org.costobservatory.insight;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.costobservatory.domain.UsageRow;

/**
 * Stored usage rows added up: list-price cents in total, by token type, model and service tier, the long-context
 * part, and the token counts the cache figures need. Built from the rows' own stored cost (so totals equal the
 * stored rows to the cent) and, for the split by token type, each type priced on its own.
 */
final class UsageBreakdown {
    static final String LONG_CONTEXT = "200k-1M";

    BigDecimal cents = BigDecimal.ZERO;
    final Map<TokenType, BigDecimal> byType = new EnumMap<>(TokenType.class);
    final Map<String, BigDecimal> byModel = new TreeMap<>();
    final Map<String, BigDecimal> byTier = new TreeMap<>();
    BigDecimal longContextCents = BigDecimal.ZERO;
    long uncachedInput;
    long cacheRead;
    long cacheWrite5m;
    long cacheWrite1h;
    long output;
    int rows;

    void add(UsageRow row, BigDecimal rowCents, Map<TokenType, BigDecimal> typeCents) {
        cents = cents.add(rowCents);
        typeCents.forEach((type, value) -> byType.merge(type, value, BigDecimal::add));
        byModel.merge(row.model(), rowCents, BigDecimal::add);
        byTier.merge(row.serviceTier(), rowCents, BigDecimal::add);
        if (LONG_CONTEXT.equals(row.contextWindow())) {
            longContextCents = longContextCents.add(rowCents);
        }
        uncachedInput += row.uncachedInputTokens();
        cacheRead += row.cacheReadInputTokens();
        cacheWrite5m += row.cacheCreation5mInputTokens();
        cacheWrite1h += row.cacheCreation1hInputTokens();
        output += row.outputTokens();
        rows++;
    }

    BigDecimal type(TokenType type) {
        return byType.getOrDefault(type, BigDecimal.ZERO);
    }

    long inputTokens() {
        return uncachedInput + cacheRead + cacheWrite5m + cacheWrite1h;
    }

    long tokens() {
        return inputTokens() + output;
    }

    /** Cache reads as a share of all input tokens; 0 without input. */
    double cacheHitRate() {
        long input = inputTokens();
        return input == 0 ? 0 : cacheRead / (double) input;
    }

    double share(BigDecimal part) {
        return cents.signum() == 0 ? 0 : part.doubleValue() / cents.doubleValue();
    }
}
