package org.costobservatory.domain;

import java.util.Objects;

/**
 * An API key as listed by the Admin API, inactive, archived and expired ones included so old usage still gets a
 * name.
 *
 * @param status      {@code active}, {@code inactive}, {@code archived}, {@code expired}, or what the API says next
 * @param workspaceId its workspace, {@link Dimensions#DEFAULT_WORKSPACE} for the Default workspace
 */
public record ApiKey(String id, String name, String status, String workspaceId) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(workspaceId, "workspaceId");
    }
}
