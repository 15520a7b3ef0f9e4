package org.costobservatory.log;

import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;

/**
 * Work over several items where one failure must neither stop the others nor disappear: each item is tried, the
 * counts are added up, and the first failure is thrown at the end with the later ones suppressed in it.
 */
public final class EveryItem {
    private EveryItem() {
    }

    /** {@link #sum(Iterable, ToIntFunction, BiConsumer)} without a word about each failure. */
    public static <T> int sum(Iterable<T> items, ToIntFunction<T> work) {
        return sum(items, work, (item, failure) -> {
        });
    }

    /**
     * @param onFailure told of each failure as it happens (to log it with the item it concerns)
     * @return the sum of {@code work} over the items, when none failed
     * @throws RuntimeException the first failure, with every later one suppressed in it, after every item was tried
     */
    public static <T> int sum(Iterable<T> items, ToIntFunction<T> work, BiConsumer<T, RuntimeException> onFailure) {
        int total = 0;
        RuntimeException first = null;
        for (T item : items) {
            try {
                total += work.applyAsInt(item);
            } catch (RuntimeException e) {
                onFailure.accept(item, e);
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return total;
    }
}
