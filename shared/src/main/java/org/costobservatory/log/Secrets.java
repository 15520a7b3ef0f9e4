package org.costobservatory.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process-wide list of secret values (the admin key) that must never leave the process in a log, stored item,
 * message or response. Whoever loads a secret registers it here; {@link #redact(String)} is applied to every log line
 * and every error text we produce.
 */
public final class Secrets {
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();
    private static final String MASK = "[REDACTED]";

    private Secrets() {
    }

    public static void register(String secret) {
        // Very short values would redact ordinary text; a real admin key is long.
        if (secret != null && secret.length() >= 8) {
            VALUES.add(secret);
        }
    }

    public static String redact(String text) {
        if (text == null || VALUES.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : VALUES) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }
}
