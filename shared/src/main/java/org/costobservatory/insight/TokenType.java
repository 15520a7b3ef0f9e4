package org.costobservatory.insight;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.UsagePricer;

/** What a usage row bought, each priced on its own by the usage pricer: the five token kinds and web search. */
public enum TokenType {
    UNCACHED_INPUT("uncached_input", "uncached input (cache misses)"),
    CACHE_READ("cache_read", "cache reads"),
    CACHE_WRITE_5M("cache_write_5m", "5-minute cache writes"),
    CACHE_WRITE_1H("cache_write_1h", "1-hour cache writes"),
    OUTPUT("output", "output"),
    WEB_SEARCH("web_search", "web search");

    private final String id;
    private final String label;

    TokenType(String id, String label) {
        this.id = id;
        this.label = label;
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** The part of {@code row} of this type alone, every other count zero. */
    UsageRow part(UsageRow row) {
        return new UsageRow(row.bucketStart(), row.workspaceId(), row.apiKeyId(), row.model(), row.serviceTier(),
                row.contextWindow(),
                this == UNCACHED_INPUT ? row.uncachedInputTokens() : 0,
                this == CACHE_READ ? row.cacheReadInputTokens() : 0,
                this == CACHE_WRITE_5M ? row.cacheCreation5mInputTokens() : 0,
                this == CACHE_WRITE_1H ? row.cacheCreation1hInputTokens() : 0,
                this == OUTPUT ? row.outputTokens() : 0,
                this == WEB_SEARCH ? row.webSearchRequests() : 0);
    }

    /** The list-price cents of each type in {@code row}; they add up to the row's own price. */
    static Map<TokenType, BigDecimal> costs(UsageRow row, UsagePricer pricer) {
        Map<TokenType, BigDecimal> costs = new EnumMap<>(TokenType.class);
        for (TokenType type : values()) {
            UsageRow part = type.part(row);
            costs.put(type, part.totalTokens() == 0 && part.webSearchRequests() == 0 ? BigDecimal.ZERO
                    : pricer.price(part).cents());
        }
        return costs;
    }
}
