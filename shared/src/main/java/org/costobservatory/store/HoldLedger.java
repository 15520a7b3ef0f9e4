package org.costobservatory.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One budget's holds and recently settled runs, kept in one small item beside the budget so that a headroom answer
 * reads them with it. {@code version} changes with every hold granted against the budget; a hold is written only if
 * the version is still the one its decision was made on.
 *
 * @param version 0 when the budget has never had a hold (no item yet)
 * @param holds   hold id to what it reserves; expired entries stay until the next hold removes them
 * @param recent  hold id to the cost a settled run reported, until stored usage covers the run's end
 */
public record HoldLedger(String budget, long version, Map<String, Held> holds, Map<String, Recent> recent) {

    /** One hold's entry. */
    public record Held(String holdId, String runId, BigDecimal estimateUsd, Instant createdAt, Instant expiresAt,
                       Optional<String> runClass) {
        public boolean activeAt(Instant now) {
            return now.isBefore(expiresAt);
        }
    }

    /** One settled run's reported cost. */
    public record Recent(String holdId, String runId, BigDecimal actualUsd, Instant endedAt) {
    }

    public HoldLedger {
        holds = Map.copyOf(holds);
        recent = Map.copyOf(recent);
    }

    public static HoldLedger empty(String budget) {
        return new HoldLedger(budget, 0, Map.of(), Map.of());
    }
}
