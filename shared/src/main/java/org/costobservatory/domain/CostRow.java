package org.costobservatory.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One line of Anthropic's cost report for one UTC day, grouped by workspace and description. The structured fields
 * (cost type, model, token type, ...) come from the report itself; the description text is kept for display and
 * identity only and is never parsed.
 *
 * @param date          the UTC day the bucket covers
 * @param workspaceId   workspace id, {@link Dimensions#DEFAULT_WORKSPACE} for the Default workspace
 * @param description   Anthropic's line-item description, or {@link Dimensions#NONE}
 * @param costType      tokens, web_search, code_execution, session_usage, ... or {@link Dimensions#NONE}
 * @param model         model id, or {@link Dimensions#NONE} for non-token costs
 * @param serviceTier   standard or batch (Priority Tier never appears here), or {@link Dimensions#NONE}
 * @param tokenType     e.g. {@code cache_creation.ephemeral_1h_input_tokens}, or {@link Dimensions#NONE}
 * @param contextWindow 0-200k, 200k-1M, or {@link Dimensions#NONE}
 * @param inferenceGeo  global, us, not_available, or {@link Dimensions#NONE}
 * @param currency      always USD today
 * @param amountCents   the exact amount in cents, as Anthropic sent it
 */
public record CostRow(LocalDate date, String workspaceId, String description, String costType, String model,
                      String serviceTier, String tokenType, String contextWindow, String inferenceGeo,
                      String currency, BigDecimal amountCents) {

    public CostRow {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(amountCents, "amountCents");
        workspaceId = Dimensions.workspace(workspaceId);
        description = Dimensions.orNone(description);
        costType = Dimensions.orNone(costType);
        model = Dimensions.orNone(model);
        serviceTier = Dimensions.orNone(serviceTier);
        tokenType = Dimensions.orNone(tokenType);
        contextWindow = Dimensions.orNone(contextWindow);
        inferenceGeo = Dimensions.orNone(inferenceGeo);
        currency = currency == null ? "USD" : currency;
    }

    /**
     * The natural key of the line within its day. Two rows with the same key are the same line item (a dimension we
     * do not know yet split it), so their amounts add up.
     */
    public String key() {
        return String.join("|", workspaceId, costType, model, serviceTier, tokenType, contextWindow, inferenceGeo,
                description);
    }

    public BigDecimal amountUsd() {
        return Money.centsToUsd(amountCents);
    }

    public CostRow withAmountCents(BigDecimal cents) {
        return new CostRow(date, workspaceId, description, costType, model, serviceTier, tokenType, contextWindow,
                inferenceGeo, currency, cents);
    }
}
