package org.costobservatory.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process-wide list of secret values (the admin key) that must never leave the process in a log, stored item,
 * message or response. Whoever loads a secret registers it here; {@link #redact(String)} is applied to every log line
 * and every error text we produce.
 */
public final class Secrets {
    /**
     * A run of this many characters of a secret is redacted too, wherever it stands: a text cut in the middle of a
     * key (a log line truncated by someone else, a body cut at a size limit) must not show most of it.
     */
    public static final int MIN_RUN = 16;
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();
    /** Every {@link #MIN_RUN}-character piece of every registered secret. */
    private static final Set<String> RUNS = ConcurrentHashMap.newKeySet();
    private static final String MASK = "[REDACTED]";

    private Secrets() {
    }

    public static void register(String secret) {
        // Very short values would redact ordinary text; a real admin key is long.
        if (secret != null && secret.length() >= 8) {
            VALUES.add(secret);
            for (int i = 0; i + MIN_RUN <= secret.length(); i++) {
                RUNS.add(secret.substring(i, i + MIN_RUN));
            }
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
        return RUNS.isEmpty() || result.length() < MIN_RUN ? result : redactRuns(result);
    }

    /** Masks every stretch of the text covered by {@link #MIN_RUN}-character pieces of a secret. */
    private static String redactRuns(String text) {
        boolean[] covered = null;
        for (int i = 0; i + MIN_RUN <= text.length(); i++) {
            if (RUNS.contains(text.substring(i, i + MIN_RUN))) {
                if (covered == null) {
                    covered = new boolean[text.length()];
                }
                for (int j = i; j < i + MIN_RUN; j++) {
                    covered[j] = true;
                }
            }
        }
        if (covered == null) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!covered[i]) {
                out.append(text.charAt(i));
            } else if (i == 0 || !covered[i - 1]) {
                out.append(MASK);
            }
        }
        return out.toString();
    }
}
