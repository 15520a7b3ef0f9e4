package org.costobservatory.budget;

/** A budget definition was refused; {@link #field()} names the offending field (e.g. {@code scope.model}). */
public final class InvalidBudgetException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidBudgetException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
