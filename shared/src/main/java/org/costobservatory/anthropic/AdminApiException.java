package org.costobservatory.anthropic;

import org.costobservatory.log.Secrets;

/**
 * A failed call to Anthropic's Admin API. Subclasses say why (refused key, missing permission, bad request, retries
 * used up, malformed report, broken pagination) so callers can decide without reading messages. Every text held here
 * has passed through {@link Secrets#redact(String)}, and no request header is ever part of it, so the exception can be
 * logged as it is.
 */
public class AdminApiException extends RuntimeException {
    private final int httpStatus;
    private final String errorType;
    private final String apiMessage;
    private final String requestId;
    private final boolean retryable;

    /**
     * @param message    what failed: endpoint, status, Anthropic's error type and message
     * @param httpStatus the HTTP status, 0 when there was no response (I/O failure, bad page structure)
     * @param errorType  Anthropic's {@code error.type}, e.g. {@code rate_limit_error}, or null
     * @param apiMessage Anthropic's {@code error.message}, or null
     * @param requestId  {@code request_id} from the body or the {@code request-id} header, or null
     * @param retryable  whether running the same work later may succeed (rate limits, outages, timeouts)
     * @param cause      the underlying failure, or null
     */
    public AdminApiException(String message, int httpStatus, String errorType, String apiMessage, String requestId,
                             boolean retryable, Throwable cause) {
        super(Secrets.redact(message), cause);
        this.httpStatus = httpStatus;
        this.errorType = Secrets.redact(errorType);
        this.apiMessage = Secrets.redact(apiMessage);
        this.requestId = Secrets.redact(requestId);
        this.retryable = retryable;
    }

    /** The HTTP status of the failed response, 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Anthropic's {@code error.type} (e.g. {@code authentication_error}), or null when the body had none. */
    public String errorType() {
        return errorType;
    }

    /** Anthropic's {@code error.message}, redacted, or null. */
    public String apiMessage() {
        return apiMessage;
    }

    /** The request id to quote to Anthropic support, or null. */
    public String requestId() {
        return requestId;
    }

    /** True when the same pull may succeed later without anyone changing anything. */
    public boolean retryable() {
        return retryable;
    }
}
