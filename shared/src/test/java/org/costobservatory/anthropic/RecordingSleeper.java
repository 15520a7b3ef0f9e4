package org.costobservatory.anthropic;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.costobservatory.time.Sleeper;

/** Records every wait instead of waiting, and moves the test clock on by it so deadlines behave as in real time. */
public final class RecordingSleeper implements Sleeper {
    private final MutableClock clock;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    public RecordingSleeper(MutableClock clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        clock.advance(duration);
    }

    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    public Duration total() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    public void clear() {
        sleeps.clear();
    }
}
