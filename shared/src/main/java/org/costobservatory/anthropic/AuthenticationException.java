package org.costobservatory.anthropic;

/** HTTP 401: the admin key was refused (wrong, revoked or expired), also after re-reading it once. Not retryable. */
public final class AuthenticationException extends AdminApiException {
    public AuthenticationException(String message, int httpStatus, String errorType, String apiMessage,
                                   String requestId) {
        super(message, httpStatus, errorType, apiMessage, requestId, false, null);
    }
}
