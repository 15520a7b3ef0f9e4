package org.costobservatory.ingest;

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
        return () -> {
            int sent = 0;
            RuntimeException failure = null;
            for (AfterIngest step : list) {
                try {
                    sent += step.run();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            return sent;
        };
    }
}
