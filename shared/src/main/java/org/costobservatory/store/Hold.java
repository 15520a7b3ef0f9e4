package org.costobservatory.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A reservation of money for one run, as stored under its own key. Its amount counts in the ledger of every budget in
 * {@code budgets} while it is active and not expired.
 *
 * @param target        what was asked for: {@code budget=NAME} or the run's scope ({@code api_key_id=...&model=...});
 *                      a second request with the same run id must ask for the same
 * @param decision      {@code allow} or {@code warn}, as answered when it was granted
 * @param estimateBasis {@code caller}, {@code run_class_p90} or {@code run_class_default}
 * @param state         {@code active}, {@code released} or {@code settled}; an active hold past {@code expiresAt} is
 *                      expired without anything being written
 * @param actualUsd     for a settled hold, the cost it was settled with
 * @param actualBasis   {@code caller}, or {@code estimate} when it was settled without an actual cost
 * @param endedAt       for a settled hold, when the run ended
 */
public record Hold(String holdId, String runId, String target, List<String> budgets, BigDecimal estimateUsd,
                   String estimateBasis, Optional<String> runClass, String decision, Instant createdAt,
                   Instant expiresAt, String state, Optional<BigDecimal> actualUsd, Optional<String> actualBasis,
                   Optional<Instant> endedAt, Optional<Instant> closedAt) {
    public static final String ACTIVE = "active";
    public static final String RELEASED = "released";
    public static final String SETTLED = "settled";
    public static final String EXPIRED = "expired";

    public Hold {
        Objects.requireNonNull(holdId, "hold_id");
        Objects.requireNonNull(runId, "run_id");
        budgets = List.copyOf(budgets);
        runClass = runClass == null ? Optional.empty() : runClass;
        actualUsd = actualUsd == null ? Optional.empty() : actualUsd;
        actualBasis = actualBasis == null ? Optional.empty() : actualBasis;
        endedAt = endedAt == null ? Optional.empty() : endedAt;
        closedAt = closedAt == null ? Optional.empty() : closedAt;
    }

    /** The state as a caller sees it at {@code now}: an active hold past its expiry is {@code expired}. */
    public String stateAt(Instant now) {
        return ACTIVE.equals(state) && !now.isBefore(expiresAt) ? EXPIRED : state;
    }

    public boolean active() {
        return ACTIVE.equals(state);
    }

    public Hold released(Instant at) {
        return new Hold(holdId, runId, target, budgets, estimateUsd, estimateBasis, runClass, decision, createdAt,
                expiresAt, RELEASED, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(at));
    }

    public Hold settled(BigDecimal actual, String basis, Instant ended, Instant at) {
        return new Hold(holdId, runId, target, budgets, estimateUsd, estimateBasis, runClass, decision, createdAt,
                expiresAt, SETTLED, Optional.of(actual), Optional.of(basis), Optional.of(ended), Optional.of(at));
    }
}
