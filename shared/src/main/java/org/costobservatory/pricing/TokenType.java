package org.costobservatory.pricing;

import java.math.BigDecimal;
import java.util.Optional;
import org.costobservatory.domain.UsageRow;

/**
 * The token kinds the usage report counts and the cost report bills, named by the cost report's {@code token_type}
 * values. The structured field is matched exactly; the cost report's {@code description} text is never read.
 */
public enum TokenType {
    UNCACHED_INPUT("uncached_input_tokens"),
    OUTPUT("output_tokens"),
    CACHE_READ("cache_read_input_tokens"),
    CACHE_WRITE_5M("cache_creation.ephemeral_5m_input_tokens"),
    CACHE_WRITE_1H("cache_creation.ephemeral_1h_input_tokens");

    private final String id;

    TokenType(String id) {
        this.id = id;
    }

    /** The cost report's {@code token_type} value. */
    public String id() {
        return id;
    }

    public static Optional<TokenType> fromId(String id) {
        for (TokenType type : values()) {
            if (type.id.equals(id)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** How many tokens of this kind a usage line counts. */
    public long tokensOf(UsageRow row) {
        return switch (this) {
            case UNCACHED_INPUT -> row.uncachedInputTokens();
            case OUTPUT -> row.outputTokens();
            case CACHE_READ -> row.cacheReadInputTokens();
            case CACHE_WRITE_5M -> row.cacheCreation5mInputTokens();
            case CACHE_WRITE_1H -> row.cacheCreation1hInputTokens();
        };
    }

    /** The list rate of this kind, USD per million tokens. */
    public BigDecimal rateOf(TokenRates rates) {
        return switch (this) {
            case UNCACHED_INPUT -> rates.input();
            case OUTPUT -> rates.output();
            case CACHE_READ -> rates.cacheRead();
            case CACHE_WRITE_5M -> rates.cacheWrite5m();
            case CACHE_WRITE_1H -> rates.cacheWrite1h();
        };
    }
}
