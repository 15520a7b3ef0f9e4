package org.costobservatory.budget;

import java.util.Optional;

/** Which workspace an API key belongs to, when anything stored says so. */
@FunctionalInterface
public interface KeyWorkspaces {
    KeyWorkspaces UNKNOWN = key -> Optional.empty();

    Optional<String> of(String apiKeyId);
}
