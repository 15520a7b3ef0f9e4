package org.costobservatory.report;

/**
 * A report asked for with a range or grouping it cannot have; its message says what is allowed and is meant for the
 * caller (the HTTP API answers it as a 400). Any other failure while building a report is internal.
 */
public final class InvalidReportRequest extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidReportRequest(String message) {
        super(message);
    }
}
