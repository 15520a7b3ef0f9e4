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

    /** Runs {@code tasks} a few at a time and returns their results in order; the first failure is rethrown. */
    static <T> List<T> callAll(List<java.util.concurrent.Callable<T>> tasks) {
        List<T> results = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
        List<Runnable> runnables = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            int index = i;
            runnables.add(() -> {
                try {
                    results.set(index, tasks.get(index).call());
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new StoreUnavailableException("a DynamoDB read failed", e);
                }
            });
        }
        runAll(runnables);
        return results;
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
