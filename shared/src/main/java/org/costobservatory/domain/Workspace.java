package org.costobservatory.domain;

import java.time.Instant;
import java.util.Optional;

/** A workspace as listed by the Admin API, archived ones included so old usage still gets a name. */
public record Workspace(String id, String name, Optional<Instant> archivedAt) {
    public static final Workspace DEFAULT =
            new Workspace(Dimensions.DEFAULT_WORKSPACE, Dimensions.DEFAULT_WORKSPACE_NAME, Optional.empty());
}
