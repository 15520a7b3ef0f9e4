package org.costobservatory.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.Workspace;

/**
 * Workspace names for reports (the Default workspace is always present as "Default"), and which workspace each API key
 * belongs to.
 */
public interface WorkspaceStore {

    void putAll(List<Workspace> workspaces);

    /** Stores each key's workspace, replacing what was stored for it. */
    void putApiKeys(List<ApiKey> keys);

    /** The workspace of the key, as the key list last said; one read. */
    Optional<String> keyWorkspace(String apiKeyId);

    /** Workspace id to name, including {@code default -> Default}. */
    Map<String, String> names();
}
