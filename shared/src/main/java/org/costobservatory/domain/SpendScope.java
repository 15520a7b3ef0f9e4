package org.costobservatory.domain;

import java.util.Objects;

/**
 * A scope that per-day spend rollups are kept for: the whole organisation, one workspace, or one API key. Model
 * scopes are served from the per-model breakdown inside every rollup, so a model prefix needs no extra items.
 */
public record SpendScope(Kind kind, String id) {
    public enum Kind { ORG, WORKSPACE, API_KEY }

    public static final SpendScope ORG = new SpendScope(Kind.ORG, "org");

    public SpendScope {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static SpendScope workspace(String workspaceId) {
        return new SpendScope(Kind.WORKSPACE, Dimensions.workspace(workspaceId));
    }

    public static SpendScope apiKey(String apiKeyId) {
        return new SpendScope(Kind.API_KEY, Dimensions.orNone(apiKeyId));
    }

    /** Stable text form used in keys and items, e.g. {@code org}, {@code workspace:default}, {@code api_key:apikey_x}. */
    public String text() {
        return switch (kind) {
            case ORG -> "org";
            case WORKSPACE -> "workspace:" + id;
            case API_KEY -> "api_key:" + id;
        };
    }

    public static SpendScope parse(String text) {
        if ("org".equals(text)) {
            return ORG;
        }
        if (text.startsWith("workspace:")) {
            return workspace(text.substring("workspace:".length()));
        }
        if (text.startsWith("api_key:")) {
            return apiKey(text.substring("api_key:".length()));
        }
        throw new IllegalArgumentException("unknown spend scope '" + text + "'");
    }
}
