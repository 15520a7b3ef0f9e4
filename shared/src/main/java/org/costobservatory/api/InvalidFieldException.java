package org.costobservatory.api;

/** A field of a request body was refused; {@link #field()} names it (e.g. {@code scope.model}). */
public final class InvalidFieldException extends BadRequest {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidFieldException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
