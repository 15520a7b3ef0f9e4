package org.costobservatory.ingest;

import org.costobservatory.log.EveryItem;

/**
 * Work that follows every ingest run: evaluating budget thresholds and forecasts, and (after a cost run) looking for
 * anomalies. Returns how many alerts and notices it published.
 */
@FunctionalInterface
public interface AfterIngest {
    AfterIngest NOTHING = () -> 0;

    int run();

    /** Each step in turn; one that fails does not stop the others, and the first failure is rethrown at the end. */
    static AfterIngest all(AfterIngest... steps) {
        java.util.List<AfterIngest> list = java.util.List.of(steps);
        return () -> EveryItem.sum(list, AfterIngest::run);
    }
}
