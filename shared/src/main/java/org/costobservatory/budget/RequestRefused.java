package org.costobservatory.budget;

/** A headroom or hold request that cannot be served as asked: the message says why, for the caller. */
public final class RequestRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of refusal, which the HTTP API maps to a status. */
    public enum Kind {
        /** No such hold or budget. */
        NOT_FOUND,
        /** Against what exists: a run id used for another request, settling a released hold, too many holds. */
        CONFLICT,
        /** A value that only the stored hold shows to be wrong (an end before the hold began). */
        INVALID
    }

    private final Kind kind;

    public RequestRefused(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
