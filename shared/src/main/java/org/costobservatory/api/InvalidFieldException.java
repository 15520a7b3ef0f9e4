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

    /**
     * A field name taken from a request, fit to be shown back: a short plain name as it is, anything else (64 KiB of
     * text, markup, control characters) described instead of repeated.
     */
    public static String printable(String name) {
        return name.length() <= 40 && name.matches("[A-Za-z0-9_.-]+") ? name : "(an unknown field)";
    }
}
