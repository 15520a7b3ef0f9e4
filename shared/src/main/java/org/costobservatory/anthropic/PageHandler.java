package org.costobservatory.anthropic;

import java.util.List;

/** Receives one fully parsed page of report buckets (oldest first). Throwing stops the pull. */
@FunctionalInterface
public interface PageHandler<T> {
    void accept(List<T> buckets, int pageNumber);
}
