package org.costobservatory.pricing;

import java.util.Objects;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.UsageRow;

/**
 * What an effective price is learned for: the dimensions the cost report and the usage report we pull share. The
 * usage report has room for five dimensions (workspace, API key, model, service tier, context window) and the cost
 * report has no API key, so inference geography is not among them: a workspace that runs US-only shows a higher
 * effective price, which is what it pays.
 */
public record CalibrationKey(String workspaceId, String model, String serviceTier, String contextWindow)
        implements Comparable<CalibrationKey> {

    public CalibrationKey {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(serviceTier, "serviceTier");
        Objects.requireNonNull(contextWindow, "contextWindow");
    }

    public static CalibrationKey of(UsageRow row) {
        return new CalibrationKey(row.workspaceId(), row.model(), row.serviceTier(), row.contextWindow());
    }

    public static CalibrationKey of(CostRow row) {
        return new CalibrationKey(row.workspaceId(), row.model(), row.serviceTier(), row.contextWindow());
    }

    /** {@code workspace|model|tier|context window}, as stored. */
    public String text() {
        return String.join("|", workspaceId, model, serviceTier, contextWindow);
    }

    @Override
    public int compareTo(CalibrationKey other) {
        return text().compareTo(other.text());
    }
}
