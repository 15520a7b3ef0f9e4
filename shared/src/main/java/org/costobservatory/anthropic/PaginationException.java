package org.costobservatory.anthropic;

/**
 * Pagination that cannot end well: {@code has_more} without a cursor, a cursor seen before (a loop), or more pages
 * than the configured maximum. The page that showed the problem is not handed on. Not retryable.
 */
public final class PaginationException extends AdminApiException {
    public PaginationException(String message) {
        super(message, 0, null, null, null, false, null);
    }
}
