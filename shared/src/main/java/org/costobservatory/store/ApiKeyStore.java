package org.costobservatory.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.ApiKey;

/**
 * API keys as the Admin API's key list last showed them, whatever their status: names for reports, the CLI and the
 * dashboard, and each key's workspace for headroom checks of a key that has no usage yet.
 */
public interface ApiKeyStore {

    void putAll(List<ApiKey> keys);

    /** API key id to name; a key never listed has no entry. */
    Map<String, String> names();

    /** The workspace of the key, as the key list last said ({@code default} for the Default workspace); one read. */
    Optional<String> workspaceOf(String apiKeyId);
}
