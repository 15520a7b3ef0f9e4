package org.costobservatory.store;

import java.util.List;
import java.util.Map;
import org.costobservatory.domain.ApiKey;

/** API key names for reports, the CLI and the dashboard, whatever the key's status. */
public interface ApiKeyStore {

    void putAll(List<ApiKey> keys);

    /** API key id to name; a key never listed has no entry. */
    Map<String, String> names();
}
