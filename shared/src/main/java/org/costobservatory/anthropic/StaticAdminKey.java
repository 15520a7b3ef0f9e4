package org.costobservatory.anthropic;

import java.util.Map;
import java.util.Optional;
import org.costobservatory.log.Secrets;

/**
 * A key given once, for local runs and tests: usually {@code ANTHROPIC_ADMIN_KEY}. It cannot be rotated in place, so
 * {@link #refreshAfterUnauthorized()} has nothing new to offer. The key is registered with {@link Secrets} and never
 * shown by {@link #toString()}.
 */
public final class StaticAdminKey implements AdminKeySource {
    public static final String ENV_VARIABLE = "ANTHROPIC_ADMIN_KEY";

    private final String key;

    public StaticAdminKey(String key) {
        // Registered before it is checked: even a refused value must never reach a log.
        if (key != null) {
            Secrets.register(key.strip());
        }
        try {
            this.key = AdminKeys.validated(key, "the configuration");
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Reads {@code ANTHROPIC_ADMIN_KEY} from {@code env}; fails naming the variable (never its value). */
    public static StaticAdminKey fromEnv(Map<String, String> env) {
        String value = env.get(ENV_VARIABLE);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(ENV_VARIABLE + " is not set");
        }
        try {
            return new StaticAdminKey(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(ENV_VARIABLE + ": " + e.getMessage());
        }
    }

    @Override
    public String current() {
        return key;
    }

    @Override
    public Optional<String> refreshAfterUnauthorized() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "StaticAdminKey[redacted]";
    }
}
