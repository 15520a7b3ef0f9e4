package org.costobservatory.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How a report groups its lines. Cost reports have no API-key dimension; usage reports have no description. */
public enum Grouping {
    DAY("day", true, true),
    WORKSPACE("workspace", true, true),
    MODEL("model", true, true),
    DESCRIPTION("description", true, false),
    API_KEY("api_key", false, true),
    SERVICE_TIER("service_tier", true, true);

    private final String id;
    private final boolean forCost;
    private final boolean forUsage;

    Grouping(String id, boolean forCost, boolean forUsage) {
        this.id = id;
        this.forCost = forCost;
        this.forUsage = forUsage;
    }

    public String id() {
        return id;
    }

    public boolean forCost() {
        return forCost;
    }

    public boolean forUsage() {
        return forUsage;
    }

    public static Grouping parse(String id, boolean cost) {
        for (Grouping grouping : values()) {
            if (grouping.id.equals(id) && (cost ? grouping.forCost : grouping.forUsage)) {
                return grouping;
            }
        }
        throw new InvalidReportRequest("group_by must be one of " + ids(cost));
    }

    public static List<String> ids(boolean cost) {
        return Arrays.stream(values()).filter(g -> cost ? g.forCost : g.forUsage).map(Grouping::id).toList();
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
