package org.costobservatory.anthropic;

/**
 * A successful response whose body is not a report we can trust: malformed or truncated JSON, a wrong type, a missing
 * {@code has_more}, an amount that is not a plain non-negative decimal, a currency other than USD, a bucket that does
 * not cover exactly one bucket width. Nothing from such a page is ever handed on. Not retryable.
 */
public final class ReportParseException extends AdminApiException {
    public ReportParseException(String message) {
        super(message, 0, null, null, null, false, null);
    }

    public ReportParseException(String message, Throwable cause) {
        super(message, 0, null, null, null, false, cause);
    }

    /** For the client, which knows the response the body came from. */
    public ReportParseException(String message, int httpStatus, String requestId, Throwable cause) {
        super(message, httpStatus, null, null, requestId, false, cause);
    }
}
