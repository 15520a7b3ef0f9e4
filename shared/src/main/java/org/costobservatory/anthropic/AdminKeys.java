package org.costobservatory.anthropic;

/** Checks shared by the key sources. Messages never contain the key itself. */
final class AdminKeys {
    private AdminKeys() {
    }

    /**
     * The key, stripped of surrounding whitespace (a parameter written from a file often ends in a newline), or an
     * {@link IllegalStateException} naming {@code source} when it is blank or could not be sent as a header value.
     */
    static String validated(String key, String source) {
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("the admin key from " + source + " is empty");
        }
        String stripped = key.strip();
        for (int i = 0; i < stripped.length(); i++) {
            char c = stripped.charAt(i);
            // java.net.http echoes a rejected header value in its exception text; refuse such keys up front.
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalStateException("the admin key from " + source
                        + " contains whitespace or characters that cannot be sent in an HTTP header");
            }
        }
        return stripped;
    }
}
