package org.costobservatory.store;

import java.util.List;
import java.util.Map;
import org.costobservatory.domain.Workspace;

/** Workspace names for reports. The Default workspace is always present as "Default". */
public interface WorkspaceStore {

    void putAll(List<Workspace> workspaces);

    /** Workspace id to name, including {@code default -> Default}. */
    Map<String, String> names();
}
