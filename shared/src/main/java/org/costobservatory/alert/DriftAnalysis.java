package org.costobservatory.alert;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.Money;
import org.costobservatory.pricing.PriceBasis;
import org.costobservatory.store.ProvisionalDay;

/**
 * How far a settled day's provisional figure was from its bill, and why, model by model. Pure: built from the figure
 * kept before the day settled and the day's cost report lines (their structured fields: model, workspace, inference
 * geography).
 *
 * @param models the models off by at least a cent, furthest first
 */
public record DriftAnalysis(LocalDate date, BigDecimal billedCents, BigDecimal provisionalCents,
                            BigDecimal listCents, List<ModelDrift> models) {
    /** A notice needs at least this much drift, whatever the percentage: $1. */
    public static final BigDecimal MIN_DRIFT_CENTS = BigDecimal.valueOf(100);
    private static final BigDecimal ONE_CENT = BigDecimal.ONE;

    public DriftAnalysis {
        models = List.copyOf(models);
    }

    /** One model's part of the drift and its likely cause. */
    public record ModelDrift(String model, BigDecimal billedCents, BigDecimal provisionalCents, BigDecimal listCents,
                             PriceBasis basis, String cause) {
        public BigDecimal driftCents() {
            return provisionalCents.subtract(billedCents);
        }
    }

    public BigDecimal driftCents() {
        return provisionalCents.subtract(billedCents);
    }

    /** Drift as a percentage of the bill, to two decimals; empty when nothing was billed. */
    public Optional<BigDecimal> driftPercent() {
        return billedCents.signum() == 0 ? Optional.empty() : Optional.of(Money.percent(driftCents(), billedCents));
    }

    /** At least $1 off, and at least {@code percent} % of the bill off (any amount when nothing was billed). */
    public boolean notable(BigDecimal percent) {
        BigDecimal off = driftCents().abs();
        if (off.compareTo(MIN_DRIFT_CENTS) < 0) {
            return false;
        }
        return billedCents.signum() == 0
                || off.multiply(BigDecimal.valueOf(100)).compareTo(percent.multiply(billedCents.abs())) >= 0;
    }

    public static DriftAnalysis of(ProvisionalDay figure, List<CostRow> bill) {
        Map<String, BigDecimal> billed = new TreeMap<>();
        Map<String, Set<String>> usOnly = new TreeMap<>();
        BigDecimal billedTotal = BigDecimal.ZERO;
        for (CostRow row : bill) {
            billed.merge(row.model(), row.amountCents(), BigDecimal::add);
            billedTotal = billedTotal.add(row.amountCents());
            if ("us".equals(row.inferenceGeo())) {
                usOnly.computeIfAbsent(row.model(), m -> new TreeSet<>()).add(row.workspaceId());
            }
        }
        Set<String> models = new TreeSet<>(billed.keySet());
        models.addAll(figure.byModel().keySet());
        List<ModelDrift> drifts = new ArrayList<>();
        for (String model : models) {
            BigDecimal modelBilled = billed.getOrDefault(model, BigDecimal.ZERO);
            ProvisionalDay.Amounts estimate = figure.byModel().getOrDefault(model, ProvisionalDay.Amounts.ZERO);
            PriceBasis basis = figure.basis().getOrDefault(model, PriceBasis.LIST);
            ModelDrift drift = new ModelDrift(model, modelBilled, estimate.provisionalCents(), estimate.listCents(),
                    basis, cause(model, modelBilled, estimate.provisionalCents(), basis,
                    usOnly.getOrDefault(model, Set.of())));
            if (drift.driftCents().abs().compareTo(ONE_CENT) >= 0) {
                drifts.add(drift);
            }
        }
        drifts.sort(Comparator.comparing((ModelDrift d) -> d.driftCents().abs()).reversed()
                .thenComparing(ModelDrift::model));
        return new DriftAnalysis(figure.date(), billedTotal, figure.total().provisionalCents(),
                figure.total().listCents(), drifts);
    }

    /** The likeliest reason one model's estimate was off, from what the bill's structured fields show. */
    static String cause(String model, BigDecimal billed, BigDecimal provisional, PriceBasis basis,
                        Set<String> usOnlyWorkspaces) {
        boolean over = provisional.compareTo(billed) > 0;
        if (Dimensions.NONE.equals(model)) {
            return "web search, code execution or other costs without a model";
        }
        if (provisional.signum() == 0) {
            return "billed, but no usage was stored for it (usage missing or late)";
        }
        if (billed.signum() == 0) {
            return "usage was stored but nothing was billed for it";
        }
        if (basis == PriceBasis.UNPRICED) {
            return "unlisted model: it has no list price, so it was counted at the price of a stand-in (the most "
                    + "expensive current model of its family) until a settled day teaches its price";
        }
        if (!usOnlyWorkspaces.isEmpty() && !over) {
            return "US-only inference (1.1x) in " + String.join(", ", usOnlyWorkspaces);
        }
        if (basis == PriceBasis.LIST) {
            return over ? "billed below list price: a discount or credit"
                    : "billed above list price: fast mode, long context, US-only inference or a price change";
        }
        return over ? "billed below the price learned from the last settled days: a new discount or a lower price"
                : "billed above the price learned from the last settled days: a price rise, fast mode or US-only "
                + "inference";
    }
}
