package org.costobservatory.domain;

/** The two Anthropic reports we ingest. */
public enum ReportKind {
    COST("cost"), USAGE("usage");

    private final String id;

    ReportKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static ReportKind fromId(String id) {
        for (ReportKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown report '" + id + "' (expected cost or usage)");
    }
}
