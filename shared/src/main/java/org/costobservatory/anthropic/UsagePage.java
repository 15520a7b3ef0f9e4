package org.costobservatory.anthropic;

import java.util.List;
import org.costobservatory.domain.UsageBucket;

/**
 * One parsed page of the messages usage report.
 *
 * @param buckets  the page's buckets, oldest first, empty buckets included
 * @param hasMore  whether another page follows
 * @param nextPage the opaque cursor for the next page ({@code page=}), or null
 */
public record UsagePage(List<UsageBucket> buckets, boolean hasMore, String nextPage) {
    public UsagePage {
        buckets = List.copyOf(buckets);
    }
}
