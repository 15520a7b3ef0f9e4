package org.costobservatory.anthropic;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.log.Secrets;

/** A key source whose key was rotated behind its back: the re-read after a 401 yields {@code next}. */
final class RotatingAdminKey implements AdminKeySource {
    private final String next;
    private final AtomicInteger refreshes = new AtomicInteger();
    private volatile String current;

    RotatingAdminKey(String first, String next) {
        Secrets.register(first);
        Secrets.register(next);
        this.current = first;
        this.next = next;
    }

    @Override
    public String current() {
        return current;
    }

    @Override
    public Optional<String> refreshAfterUnauthorized() {
        refreshes.incrementAndGet();
        if (current.equals(next)) {
            return Optional.empty();
        }
        current = next;
        return Optional.of(next);
    }

    int refreshes() {
        return refreshes.get();
    }
}
