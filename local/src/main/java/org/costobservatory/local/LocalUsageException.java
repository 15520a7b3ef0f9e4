package org.costobservatory.local;

/** The command cannot run as given; its message tells the user what to do instead. */
final class LocalUsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LocalUsageException(String message) {
        super(message);
    }
}
