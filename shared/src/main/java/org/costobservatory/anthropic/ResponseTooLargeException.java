package org.costobservatory.anthropic;

/**
 * A response body larger than {@link AdminApiClient#MAX_BODY_BYTES}: the reading stopped there instead of holding the
 * whole body in memory (a multi-gigabyte body would take the function down). Not retryable: the same request would
 * get the same body.
 */
public final class ResponseTooLargeException extends AdminApiException {
    private final long limitBytes;

    public ResponseTooLargeException(String message, int httpStatus, String requestId, long limitBytes) {
        super(message, httpStatus, null, null, requestId, false, null);
        this.limitBytes = limitBytes;
    }

    /** The most a response body may hold, in bytes. */
    public long limitBytes() {
        return limitBytes;
    }
}
