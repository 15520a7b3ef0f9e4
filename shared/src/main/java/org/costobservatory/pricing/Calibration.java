package org.costobservatory.pricing;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The prices learned from the bill at the last cost-report run: one {@link CalibratedPrice} per key seen on the
 * settled days of its window, and a {@link ModelRatio} per model. Immutable; {@link #NONE} before anything has been
 * learned.
 *
 * @param windowFrom the first settled day of the window it was learned from
 * @param windowTo   the last settled day of that window
 */
public final class Calibration {
    public static final Calibration NONE = new Calibration(Optional.empty(), Optional.empty(), List.of(), List.of());

    private final Optional<LocalDate> windowFrom;
    private final Optional<LocalDate> windowTo;
    private final Map<CalibrationKey, CalibratedPrice> prices = new LinkedHashMap<>();
    private final Map<String, ModelRatio> models = new LinkedHashMap<>();

    public Calibration(Optional<LocalDate> windowFrom, Optional<LocalDate> windowTo, List<CalibratedPrice> prices,
                       List<ModelRatio> models) {
        this.windowFrom = windowFrom;
        this.windowTo = windowTo;
        prices.stream().sorted(java.util.Comparator.comparing(CalibratedPrice::key))
                .forEach(price -> this.prices.put(price.key(), price));
        models.stream().sorted(java.util.Comparator.comparing(ModelRatio::model))
                .forEach(model -> this.models.put(model.model(), model));
    }

    public Optional<CalibratedPrice> price(CalibrationKey key) {
        return Optional.ofNullable(prices.get(key));
    }

    public Optional<ModelRatio> model(String model) {
        return Optional.ofNullable(models.get(model));
    }

    public List<CalibratedPrice> prices() {
        return List.copyOf(prices.values());
    }

    public List<ModelRatio> models() {
        return List.copyOf(models.values());
    }

    public Optional<LocalDate> windowFrom() {
        return windowFrom;
    }

    public Optional<LocalDate> windowTo() {
        return windowTo;
    }

    public boolean isEmpty() {
        return prices.isEmpty() && models.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Calibration that && windowFrom.equals(that.windowFrom)
                && windowTo.equals(that.windowTo) && prices.equals(that.prices) && models.equals(that.models);
    }

    @Override
    public int hashCode() {
        return prices.hashCode() * 31 + models.hashCode();
    }

    @Override
    public String toString() {
        return "Calibration[" + windowFrom.map(LocalDate::toString).orElse("-") + ".."
                + windowTo.map(LocalDate::toString).orElse("-") + ", " + prices.size() + " keys, " + models.size()
                + " models]";
    }
}
