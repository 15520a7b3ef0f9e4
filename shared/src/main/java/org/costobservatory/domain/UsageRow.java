package org.costobservatory.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of Anthropic's messages usage report for one bucket (an hour for the hourly pull), grouped by
 * workspace, API key, model, service tier and context window. Every token count is kept, including both cache-write
 * kinds (which Anthropic nests under {@code cache_creation}) and web search requests.
 */
public record UsageRow(Instant bucketStart, String workspaceId, String apiKeyId, String model, String serviceTier,
                       String contextWindow, long uncachedInputTokens, long cacheReadInputTokens,
                       long cacheCreation5mInputTokens, long cacheCreation1hInputTokens, long outputTokens,
                       long webSearchRequests) {

    public UsageRow {
        Objects.requireNonNull(bucketStart, "bucketStart");
        workspaceId = Dimensions.workspace(workspaceId);
        apiKeyId = Dimensions.orNone(apiKeyId);
        model = Dimensions.orNone(model);
        serviceTier = Dimensions.orNone(serviceTier);
        contextWindow = Dimensions.orNone(contextWindow);
    }

    /** The natural key of the line within its bucket. */
    public String key() {
        return String.join("|", workspaceId, apiKeyId, model, serviceTier, contextWindow);
    }

    public long totalInputTokens() {
        return uncachedInputTokens + cacheReadInputTokens + cacheCreation5mInputTokens + cacheCreation1hInputTokens;
    }

    public long totalTokens() {
        return totalInputTokens() + outputTokens;
    }

    /** Sums the counts of two lines with the same key. */
    public UsageRow plus(UsageRow other) {
        return new UsageRow(bucketStart, workspaceId, apiKeyId, model, serviceTier, contextWindow,
                Math.addExact(uncachedInputTokens, other.uncachedInputTokens),
                Math.addExact(cacheReadInputTokens, other.cacheReadInputTokens),
                Math.addExact(cacheCreation5mInputTokens, other.cacheCreation5mInputTokens),
                Math.addExact(cacheCreation1hInputTokens, other.cacheCreation1hInputTokens),
                Math.addExact(outputTokens, other.outputTokens),
                Math.addExact(webSearchRequests, other.webSearchRequests));
    }
}
