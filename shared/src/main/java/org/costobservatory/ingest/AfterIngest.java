package org.costobservatory.ingest;

/** Work that follows every ingest run: evaluating budget thresholds. Returns how many alerts it published. */
@FunctionalInterface
public interface AfterIngest {
    AfterIngest NOTHING = () -> 0;

    int run();
}
