package org.costobservatory.store.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.costobservatory.store.StoreUnavailableException;

/**
 * Runs independent DynamoDB writes (rollup updates of different items, batch chunks) a few at a time, because each
 * is one network round trip. Waits for all of them; the first failure is rethrown after the rest have finished, so
 * a caller never moves on while writes are still in flight.
 */
final class Parallel {
    static final int DEFAULT_THREADS = 8;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(DEFAULT_THREADS, runnable -> {
        Thread thread = new Thread(runnable, "dynamodb-writer-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private Parallel() {
    }

    static void runAll(List<Runnable> tasks) {
        if (tasks.size() <= 1) {
            tasks.forEach(Runnable::run);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(tasks.size());
        for (Runnable task : tasks) {
            futures.add(POOL.submit(task));
        }
        RuntimeException failure = null;
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
                        : new StoreUnavailableException("a DynamoDB write failed", e.getCause());
                if (failure == null) {
                    failure = cause;
                } else if (failure != cause) {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while waiting for DynamoDB writes", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
