package org.costobservatory.anthropic;

import java.util.List;
import org.costobservatory.domain.CostDay;

/**
 * One parsed page of the cost report.
 *
 * @param days     the page's daily buckets, oldest first, empty days included
 * @param hasMore  whether another page follows
 * @param nextPage the opaque cursor for the next page ({@code page=}), or null
 */
public record CostPage(List<CostDay> days, boolean hasMore, String nextPage) {
    public CostPage {
        days = List.copyOf(days);
    }
}
