package org.costobservatory.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.costobservatory.domain.Budget;

/**
 * One recorded change of a budget: who made it, when, and the budget before and after (empty before a creation and
 * after a deletion).
 *
 * @param who the IAM caller's ARN, or {@code local} in local mode
 * @param id  unique among the budget's changes, in time order
 */
public record BudgetChange(String budget, String id, Instant at, String who, Optional<Budget> before,
                           Optional<Budget> after) {
    public static final String CREATED = "created";
    public static final String REPLACED = "replaced";
    public static final String DELETED = "deleted";
    private static final DateTimeFormatter FIXED_WIDTH =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    public BudgetChange {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(who, "who");
        before = before == null ? Optional.empty() : before;
        after = after == null ? Optional.empty() : after;
    }

    /** A new change id: the time in one fixed width (so ids sort by time), then random hex against ties. */
    public static String newId(Instant at) {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return FIXED_WIDTH.format(at) + "#" + HexFormat.of().formatHex(random);
    }

    public String action() {
        return after.isEmpty() ? DELETED : before.isEmpty() ? CREATED : REPLACED;
    }

    /** A deletion, or a new limit above the old one. */
    public boolean loosens() {
        return after.isEmpty() || before.isPresent() && after.get().limitUsd().compareTo(before.get().limitUsd()) > 0;
    }
}
