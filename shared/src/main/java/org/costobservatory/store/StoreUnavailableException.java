package org.costobservatory.store;

/** The store could not be reached or failed; answers that depend on it must not be guessed. */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
