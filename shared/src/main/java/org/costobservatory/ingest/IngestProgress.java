package org.costobservatory.ingest;

/** Told after every stored day or hour, so a terminal or the local API can show how far a pull has got. */
@FunctionalInterface
public interface IngestProgress {
    IngestProgress NONE = (report, done, total) -> {
    };

    /**
     * @param done  buckets of the window handled so far
     * @param total buckets in the window
     */
    void update(String report, int done, int total);
}
