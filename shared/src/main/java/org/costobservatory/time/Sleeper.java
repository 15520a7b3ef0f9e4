package org.costobservatory.time;

import java.time.Duration;

/** Waits. Injected so retry back-off is tested without waiting. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
