package org.costobservatory.anthropic;

/**
 * A transient failure (429, 5xx, 529, timeout, broken connection) that outlasted the retry budget: the last allowed
 * attempt failed, or the next wait would have ended after the deadline. Carries the last failure's status and error
 * type. Retryable: a later run may well succeed.
 */
public final class RetriesExhaustedException extends AdminApiException {
    private final int attempts;

    /**
     * @param attempts how many HTTP requests were sent for this call before giving up
     * @param cause    the last I/O failure, or null when the last failure was an HTTP response
     */
    public RetriesExhaustedException(String message, int lastHttpStatus, String lastErrorType, String apiMessage,
                                     String requestId, int attempts, Throwable cause) {
        super(message, lastHttpStatus, lastErrorType, apiMessage, requestId, true, cause);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
