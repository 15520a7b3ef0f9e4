package org.costobservatory.anthropic;

import java.util.Optional;

/**
 * Where the admin key comes from: {@code ANTHROPIC_ADMIN_KEY} in local runs, an SSM SecureString in AWS.
 * Implementations register the key with {@link org.costobservatory.log.Secrets} so it is redacted everywhere.
 */
public interface AdminKeySource {

    /** The key to send now. */
    String current();

    /**
     * Called once after a 401: re-reads the key (it may have been rotated). Returns the new key when it differs from
     * the one that was refused, or empty when there is nothing new to try.
     */
    Optional<String> refreshAfterUnauthorized();
}
