package org.costobservatory.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.costobservatory.pricing.PriceBasis;

/**
 * What headroom said of one UTC day just before the cost report settled it: the day's usage (Priority Tier left out,
 * as the cost report leaves it out) as provisionally estimated then, and at list price, for reconciliation against
 * the bill. Recorded once, when the day first settles and only if its usage was stored through the day's end.
 *
 * @param settledThroughBefore the last settled day when it was recorded (empty on a first run, which catches up
 *                             and was never anyone's provisional figure)
 * @param byModel              by model ({@code none} for web search)
 * @param byWorkspace          by workspace
 * @param byTokenType          by the cost report's token types ({@code web_search} for web search)
 * @param basis                by model, the least certain price its estimate rested on
 */
public record ProvisionalDay(LocalDate date, Amounts total, Map<String, Amounts> byModel,
                             Map<String, Amounts> byWorkspace, Map<String, Amounts> byTokenType,
                             Map<String, PriceBasis> basis, Optional<LocalDate> settledThroughBefore) {

    /** The provisional estimate and the list-price estimate of the same usage, in exact cents. */
    public record Amounts(BigDecimal provisionalCents, BigDecimal listCents) {
        public static final Amounts ZERO = new Amounts(BigDecimal.ZERO, BigDecimal.ZERO);

        public Amounts {
            Objects.requireNonNull(provisionalCents, "provisionalCents");
            Objects.requireNonNull(listCents, "listCents");
        }

        public Amounts plus(Amounts other) {
            return new Amounts(provisionalCents.add(other.provisionalCents), listCents.add(other.listCents));
        }
    }

    public ProvisionalDay {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(total, "total");
        byModel = Map.copyOf(byModel);
        byWorkspace = Map.copyOf(byWorkspace);
        byTokenType = Map.copyOf(byTokenType);
        basis = Map.copyOf(basis);
    }

    /** True when it was headroom's figure before the day settled, so a drift notice may be sent for it. */
    public boolean wasProvisional() {
        return settledThroughBefore.isPresent();
    }
}
