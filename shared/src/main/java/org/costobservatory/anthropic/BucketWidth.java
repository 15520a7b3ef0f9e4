package org.costobservatory.anthropic;

import java.time.Duration;

/** Bucket widths of the usage report, with the documented default and maximum {@code limit} per page. */
public enum BucketWidth {
    MINUTE("1m", Duration.ofMinutes(1), 60, 1440),
    HOUR("1h", Duration.ofHours(1), 24, 168),
    DAY("1d", Duration.ofDays(1), 7, 31);

    private final String wire;
    private final Duration length;
    private final int defaultLimit;
    private final int maxLimit;

    BucketWidth(String wire, Duration length, int defaultLimit, int maxLimit) {
        this.wire = wire;
        this.length = length;
        this.defaultLimit = defaultLimit;
        this.maxLimit = maxLimit;
    }

    public String wire() {
        return wire;
    }

    public Duration length() {
        return length;
    }

    public int defaultLimit() {
        return defaultLimit;
    }

    public int maxLimit() {
        return maxLimit;
    }
}
