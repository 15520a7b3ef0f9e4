package org.costobservatory.pricing;

import org.costobservatory.domain.UsageRow;

/** A usage line with its list-price cost. */
public record PricedUsageRow(UsageRow row, PricedUsage price) {
}
