package org.costobservatory.anthropic;

/**
 * A request Anthropic refused and that would be refused again unchanged: HTTP 400, 404 and every other 4xx except
 * 401/403/429, and the 429 that means the organisation's spend limit is reached
 * ({@code enforced_spend_limit_reached}), which lasts until the next month. Not retryable.
 */
public final class InvalidRequestException extends AdminApiException {
    public InvalidRequestException(String message, int httpStatus, String errorType, String apiMessage,
                                   String requestId) {
        super(message, httpStatus, errorType, apiMessage, requestId, false, null);
    }
}
