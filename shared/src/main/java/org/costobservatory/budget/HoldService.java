package org.costobservatory.budget;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.RunScope;
import org.costobservatory.log.Log;
import org.costobservatory.store.BudgetStore;
import org.costobservatory.store.Hold;
import org.costobservatory.store.HoldLedger;
import org.costobservatory.store.HoldStore;
import org.costobservatory.store.StoreUnavailableException;
import org.costobservatory.time.Sleeper;

/**
 * Holds: money reserved for a run before it starts, against every budget that applies to it.
 * <p>
 * Placing a hold reads the ledger of each applicable budget, decides as a headroom answer would with the hold's
 * estimate, and writes the hold into every ledger in one transaction that succeeds only if no ledger changed since it
 * was read. When one did, it reads and decides again. So each grant is decided on exactly the holds that exist when it
 * is written: no interleaving of concurrent requests grants more than a budget has left.
 */
public final class HoldService {
    private static final Log LOG = Log.get(HoldService.class);
    /** Run-class sizing: the 90th percentile of the latest this many settled runs... */
    public static final int RUN_CLASS_SAMPLE = 50;
    /** ...once there are at least this many; before that, the configured default. */
    public static final int RUN_CLASS_MINIMUM = 5;
    /** One transaction writes the hold and one ledger per budget: at most 100 items. */
    public static final int MAX_BUDGETS = 99;
    /** Entries that still count, per ledger; keeps the item far below DynamoDB's 400 KB. */
    public static final int MAX_LIVE_ENTRIES = 1000;
    static final int MAX_ATTEMPTS = 200;
    /** Back-off: a random wait up to this many milliseconds, doubling per attempt up to {@link #MAX_WAIT_MILLIS}. */
    static final long FIRST_WAIT_MILLIS = 4;
    static final long MAX_WAIT_MILLIS = 250;
    /** Give up (503, retry later) once this much time went into waiting for one request. */
    static final Duration PATIENCE = Duration.ofSeconds(15);

    public static final String BASIS_CALLER = "caller";
    public static final String BASIS_RUN_CLASS_P90 = "run_class_p90";
    public static final String BASIS_RUN_CLASS_DEFAULT = "run_class_default";
    public static final String ACTUAL_FROM_ESTIMATE = "estimate";

    private final HeadroomService headroom;
    private final BudgetStore budgets;
    private final HoldStore holds;
    private final Clock clock;
    private final Sleeper sleeper;
    private final BigDecimal runClassDefaultUsd;

    public HoldService(HeadroomService headroom, BudgetStore budgets, HoldStore holds, Clock clock, Sleeper sleeper,
                       BigDecimal runClassDefaultUsd) {
        this.headroom = Objects.requireNonNull(headroom);
        this.budgets = Objects.requireNonNull(budgets);
        this.holds = Objects.requireNonNull(holds);
        this.clock = Objects.requireNonNull(clock);
        this.sleeper = Objects.requireNonNull(sleeper);
        this.runClassDefaultUsd = Objects.requireNonNull(runClassDefaultUsd);
    }

    /**
     * A hold request, already validated: a budget by name or a run's scope, and an estimate or a run class.
     *
     * @param runId the caller's idempotency key: the same run id always finds the same hold
     */
    public record Request(Optional<String> budget, RunScope scope, Optional<BigDecimal> estimateUsd, Duration ttl,
                          String runId, Optional<String> runClass) {
        public Request {
            if (estimateUsd.isEmpty() && runClass.isEmpty()) {
                throw new IllegalArgumentException("an estimate or a run class is needed");
            }
        }

        /** What the request asks for, as the hold records it. */
        public String target() {
            return budget.map(name -> "budget=" + name).orElseGet(scope::text);
        }
    }

    /** The answer to a hold request. */
    public sealed interface Outcome permits Granted, Refused {
    }

    /**
     * @param answers  each applicable budget's answer with this hold's estimate, most constrained first (for a repeated
     *                 request: as they stand now, without an estimate)
     * @param repeated true when the run id had its hold already
     */
    public record Granted(Hold hold, RunScope scope, List<HeadroomAnswer> answers, boolean repeated)
            implements Outcome {
    }

    public record Refused(BigDecimal estimateUsd, String estimateBasis, RunScope scope, List<HeadroomAnswer> answers)
            implements Outcome {
        public HeadroomAnswer blocking() {
            return HeadroomService.blocking(answers).orElseThrow();
        }
    }

    /** The hold id of a run id: the same run id always names the same hold. */
    public static String holdId(String runId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(runId.getBytes(StandardCharsets.UTF_8));
            return "hold_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Outcome place(Request request) {
        String id = holdId(request.runId());
        Optional<Hold> existing = holds.get(id);
        if (existing.isPresent()) {
            return repeated(existing.get(), request);
        }
        BigDecimal estimate;
        String basis;
        if (request.estimateUsd().isPresent()) {
            estimate = request.estimateUsd().get();
            basis = BASIS_CALLER;
        } else {
            List<BigDecimal> costs = holds.runClassCosts(request.runClass().orElseThrow(), RUN_CLASS_SAMPLE);
            estimate = costs.size() >= RUN_CLASS_MINIMUM ? HoldRules.percentile90(costs) : runClassDefaultUsd;
            basis = costs.size() >= RUN_CLASS_MINIMUM ? BASIS_RUN_CLASS_P90 : BASIS_RUN_CLASS_DEFAULT;
        }
        RunScope scope = RunScope.NONE;
        List<Budget> targets;
        if (request.budget().isPresent()) {
            String name = request.budget().get();
            targets = List.of(budgets.get(name).orElseThrow(() -> new RequestRefused(RequestRefused.Kind.NOT_FOUND,
                    "no budget named '" + name + "'")));
        } else {
            scope = headroom.resolve(request.scope());
            targets = headroom.applicable(scope);
        }
        if (targets.size() > MAX_BUDGETS) {
            throw new RequestRefused(RequestRefused.Kind.CONFLICT, targets.size() + " budgets apply to this scope; "
                    + "a hold can be checked against at most " + MAX_BUDGETS);
        }
        Instant started = clock.instant();
        Map<String, Spend> spend = new LinkedHashMap<>();
        targets.forEach(budget -> spend.put(budget.name(), headroom.spend(budget, started)));
        long[] waited = {0};
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Map<String, HoldLedger> ledgers = headroom.ledgersOf(targets);
            List<HeadroomAnswer> answers = new ArrayList<>();
            List<HoldStore.LedgerWrite> writes = new ArrayList<>();
            for (Budget budget : targets) {
                Spend budgetSpend = spend.get(budget.name());
                HoldLedger ledger = ledgers.getOrDefault(budget.name(), HoldLedger.empty(budget.name()));
                answers.add(headroom.answer(budget, budgetSpend, ledger, estimate, now));
                if (HoldRules.liveEntries(ledger, budgetSpend.period(), budgetSpend.dataAsOf(), now)
                        >= MAX_LIVE_ENTRIES) {
                    throw new RequestRefused(RequestRefused.Kind.CONFLICT, "budget " + budget.name() + " has "
                            + MAX_LIVE_ENTRIES + " active holds and unsettled runs; release or settle some first");
                }
                // An expired entry of this very id (its hold item long deleted by TTL) is overwritten, not removed.
                Set<String> expired = new TreeSet<>(HoldRules.expired(ledger, now));
                expired.remove(id);
                writes.add(new HoldStore.LedgerWrite(ledger, expired,
                        HoldRules.finished(ledger, budgetSpend.period(), budgetSpend.dataAsOf())));
            }
            answers.sort(HeadroomService.MOST_CONSTRAINED_FIRST);
            Decision decision = HeadroomService.overall(answers);
            if (decision == Decision.DENY) {
                return new Refused(estimate, basis, scope, answers);
            }
            Hold hold = new Hold(id, request.runId(), request.target(), targets.stream().map(Budget::name).toList(),
                    estimate, basis, request.runClass(), decision.id(), now, now.plus(request.ttl()), Hold.ACTIVE,
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            switch (holds.place(hold, writes)) {
                case PLACED -> {
                    LOG.info("hold granted", "hold_id", id, "budgets", hold.budgets(), "estimate_usd", estimate,
                            "attempts", attempt + 1);
                    return new Granted(hold, scope, answers, false);
                }
                case EXISTS -> {
                    return repeated(holds.get(id).orElseThrow(), request);
                }
                case CONFLICT -> {
                    if (!backOff(attempt, waited)) {
                        attempt = MAX_ATTEMPTS;
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        throw new StoreUnavailableException("holds on " + targets.stream().map(Budget::name).toList()
                + " stayed contended; gave up after " + waited[0] + " ms of waiting", null);
    }

    /** The hold a run id made before, with its budgets as they stand now. */
    private Granted repeated(Hold hold, Request request) {
        if (!hold.target().equals(request.target())) {
            throw new RequestRefused(RequestRefused.Kind.CONFLICT, "run_id '" + request.runId() + "' already has "
                    + "hold " + hold.holdId() + " for " + hold.target() + "; use a new run_id for another request");
        }
        Instant now = clock.instant();
        List<Budget> chosen = new ArrayList<>();
        for (String name : hold.budgets()) {
            budgets.get(name).ifPresent(chosen::add);
        }
        Map<String, HoldLedger> ledgers = headroom.ledgersOf(chosen);
        List<HeadroomAnswer> answers = new ArrayList<>();
        for (Budget budget : chosen) {
            answers.add(headroom.answer(budget, headroom.spend(budget, now),
                    ledgers.getOrDefault(budget.name(), HoldLedger.empty(budget.name())), BigDecimal.ZERO, now));
        }
        answers.sort(HeadroomService.MOST_CONSTRAINED_FIRST);
        return new Granted(hold, request.budget().isPresent() ? RunScope.NONE : request.scope(), answers, true);
    }

    /** Releases a hold; releasing one that is no longer active changes nothing. */
    public Hold release(String holdId) {
        Hold hold = find(holdId);
        long[] waited = {0};
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (!hold.active()) {
                return hold;
            }
            Instant now = clock.instant();
            switch (holds.release(hold, now)) {
                case CLOSED -> {
                    LOG.info("hold released", "hold_id", holdId);
                    return hold.released(now);
                }
                case NOT_ACTIVE -> hold = find(holdId);
                case CONFLICT -> {
                    if (!backOff(attempt, waited)) {
                        attempt = MAX_ATTEMPTS;
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        throw new StoreUnavailableException("hold " + holdId + " was contended " + MAX_ATTEMPTS + " times", null);
    }

    /**
     * Settles a hold: releases it and records the run's reported cost (or, without one, its estimate) as recent
     * spend. Settling again returns the first settlement unchanged.
     *
     * @param endedAt when the run ended; now when empty
     */
    public Hold settle(String holdId, Optional<BigDecimal> actualUsd, Optional<Instant> endedAt) {
        Hold hold = find(holdId);
        long[] waited = {0};
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (Hold.SETTLED.equals(hold.state())) {
                return hold;
            }
            if (Hold.RELEASED.equals(hold.state())) {
                throw new RequestRefused(RequestRefused.Kind.CONFLICT, "hold " + holdId + " was released; there "
                        + "is nothing to settle");
            }
            Instant now = clock.instant();
            Instant ended = endedAt.orElse(now);
            if (ended.isBefore(hold.createdAt())) {
                throw new RequestRefused(RequestRefused.Kind.INVALID, "ended_at: is before the hold was made ("
                        + hold.createdAt() + ")");
            }
            if (ended.isAfter(now)) {
                throw new RequestRefused(RequestRefused.Kind.INVALID, "ended_at: is in the future");
            }
            Hold settled = hold.settled(actualUsd.orElse(hold.estimateUsd()),
                    actualUsd.isPresent() ? BASIS_CALLER : ACTUAL_FROM_ESTIMATE, ended, now);
            switch (holds.settle(settled)) {
                case CLOSED -> {
                    LOG.info("hold settled", "hold_id", holdId, "actual_usd", settled.actualUsd().orElseThrow(),
                            "actual_basis", settled.actualBasis().orElseThrow());
                    return settled;
                }
                case NOT_ACTIVE -> hold = find(holdId);
                case CONFLICT -> {
                    if (!backOff(attempt, waited)) {
                        attempt = MAX_ATTEMPTS;
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        throw new StoreUnavailableException("hold " + holdId + " was contended " + MAX_ATTEMPTS + " times", null);
    }

    /** One hold as the ledgers list it, with every budget it counts against. */
    public record ActiveHold(HoldLedger.Held entry, List<String> budgets) {
    }

    /** The holds active now, against one budget or against any, oldest first. */
    public List<ActiveHold> active(Optional<String> budget) {
        if (budget.isPresent() && budgets.get(budget.get()).isEmpty()) {
            throw new RequestRefused(RequestRefused.Kind.NOT_FOUND, "no budget named '" + budget.get() + "'");
        }
        // Every ledger, so that each hold lists all the budgets it counts against.
        Map<String, HoldLedger> ledgers = holds.ledgers();
        Instant now = clock.instant();
        Map<String, HoldLedger.Held> entries = new TreeMap<>();
        Map<String, TreeSet<String>> budgetsOf = new TreeMap<>();
        ledgers.forEach((name, ledger) -> ledger.holds().values().stream().filter(held -> held.activeAt(now))
                .forEach(held -> {
                    entries.putIfAbsent(held.holdId(), held);
                    budgetsOf.computeIfAbsent(held.holdId(), key -> new TreeSet<>()).add(name);
                }));
        return entries.values().stream()
                .filter(held -> budget.isEmpty() || budgetsOf.get(held.holdId()).contains(budget.get()))
                .sorted(Comparator.comparing(HoldLedger.Held::createdAt)
                        .thenComparing(HoldLedger.Held::holdId))
                .map(held -> new ActiveHold(held, List.copyOf(budgetsOf.get(held.holdId())))).toList();
    }

    public Hold find(String holdId) {
        return holds.get(holdId).orElseThrow(() -> new RequestRefused(RequestRefused.Kind.NOT_FOUND,
                "no hold " + holdId));
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * Waits a random while before reading again, the ceiling doubling with each attempt ("full jitter"), so that
     * engines that collided spread out instead of colliding again.
     *
     * @return false once the request has waited its {@link #PATIENCE} out
     */
    private boolean backOff(int attempt, long[] waitedMillis) {
        long ceiling = Math.min(MAX_WAIT_MILLIS, FIRST_WAIT_MILLIS << Math.min(attempt, 16));
        long wait = ThreadLocalRandom.current().nextLong(ceiling + 1);
        waitedMillis[0] += wait;
        if (waitedMillis[0] > PATIENCE.toMillis()) {
            return false;
        }
        try {
            sleeper.sleep(Duration.ofMillis(wait));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting to retry a hold", e);
        }
        return true;
    }
}
