package org.costobservatory.domain;

import java.util.Objects;

/**
 * An API key as the Admin API's key list shows it: its id and the workspace it belongs to ({@code default} for the
 * Default workspace, which the list reports as null).
 */
public record ApiKey(String id, String workspaceId) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        workspaceId = Dimensions.workspace(workspaceId);
    }
}
