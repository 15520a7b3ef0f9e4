package org.costobservatory.budget;

/** The pre-flight answer. Ordered from least to most restrictive. */
public enum Decision {
    ALLOW, WARN, DENY;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
