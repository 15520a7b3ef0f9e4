package org.costobservatory.api;

/** A request that cannot be served as sent; becomes a 400 with this message. */
public class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
        super(message);
    }
}
