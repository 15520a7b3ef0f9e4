package org.costobservatory.anthropic;

/** HTTP 403: the key is valid but may not read these reports (for example, it is not a Console Admin key). */
public final class PermissionException extends AdminApiException {
    public PermissionException(String message, int httpStatus, String errorType, String apiMessage,
                               String requestId) {
        super(message, httpStatus, errorType, apiMessage, requestId, false, null);
    }
}
