package org.costobservatory.domain;

/**
 * How report dimensions are normalised before they are stored. Anthropic uses {@code null} for the Default
 * workspace and for usage without an API key (Console Playground); we store explicit values instead so that keys,
 * scopes and console views never have to guess what a missing attribute meant.
 */
public final class Dimensions {
    /** Stored workspace id for Anthropic's {@code workspace_id: null}, the Default workspace. */
    public static final String DEFAULT_WORKSPACE = "default";
    /** Display name of the Default workspace, which the workspace list never contains. */
    public static final String DEFAULT_WORKSPACE_NAME = "Default";
    /** Stored value for a dimension the report left null (no API key, non-token cost, not grouped). */
    public static final String NONE = "none";

    private Dimensions() {
    }

    public static String workspace(String workspaceId) {
        return workspaceId == null || workspaceId.isEmpty() ? DEFAULT_WORKSPACE : workspaceId;
    }

    public static String orNone(String value) {
        return value == null || value.isEmpty() ? NONE : value;
    }

    /** The value Anthropic sent, turning our {@link #NONE} back into null. */
    public static String nullIfNone(String value) {
        return NONE.equals(value) ? null : value;
    }
}
