package org.costobservatory.budget;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.costobservatory.pricing.PriceBasis;

/**
 * Which price the provisional part of an answer rests on, model by model. Each model is in one list: the least
 * certain basis any of its provisional usage was priced on.
 *
 * @param calibratedModels models priced at what the bill taught (their key's learned price, or their learned ratio)
 * @param listPricedModels models priced at the dated list price (Priority Tier always is)
 * @param unpricedModels   models with no list price and nothing learned yet, counted at the price of the most
 *                         expensive current model of their family (else of any family)
 */
public record ModelPricing(List<String> calibratedModels, List<String> listPricedModels,
                           List<String> unpricedModels) {
    public static final ModelPricing NONE = new ModelPricing(List.of(), List.of(), List.of());

    public ModelPricing {
        calibratedModels = List.copyOf(calibratedModels);
        listPricedModels = List.copyOf(listPricedModels);
        unpricedModels = List.copyOf(unpricedModels);
    }

    /** From each model's basis. */
    public static ModelPricing of(Map<String, PriceBasis> byModel) {
        Map<String, PriceBasis> sorted = new TreeMap<>(byModel);
        return new ModelPricing(
                sorted.entrySet().stream().filter(e -> e.getValue() == PriceBasis.CALIBRATED).map(Map.Entry::getKey)
                        .toList(),
                sorted.entrySet().stream().filter(e -> e.getValue() == PriceBasis.LIST).map(Map.Entry::getKey)
                        .toList(),
                sorted.entrySet().stream().filter(e -> e.getValue() == PriceBasis.UNPRICED).map(Map.Entry::getKey)
                        .toList());
    }

    /** Only unpriced models known (answers built before calibration existed). */
    public static ModelPricing unpricedOnly(List<String> unpriced) {
        return new ModelPricing(List.of(), List.of(), unpriced);
    }
}
