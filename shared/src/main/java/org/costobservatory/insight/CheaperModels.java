package org.costobservatory.insight;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.costobservatory.pricing.ModelPrice;
import org.costobservatory.pricing.PriceTable;

/**
 * The next cheaper model of a family: Opus to Sonnet, Sonnet to Haiku. The same generation when the price table
 * lists it and it was current that day ({@code claude-opus-4-6} to {@code claude-sonnet-4-6}); otherwise the newest
 * current model of the cheaper family. Other families (Haiku, Fable, Mythos, ...) have no cheaper step here.
 */
final class CheaperModels {
    private static final Map<String, String> NEXT = Map.of("opus", "sonnet", "sonnet", "haiku");
    private static final Pattern SNAPSHOT = Pattern.compile("-\\d{8}$");

    private final PriceTable table;
    private final Map<String, LocalDate> released = new HashMap<>();
    private final Map<String, ModelPrice> last = new HashMap<>();
    private final Map<String, Optional<String>> answers = new HashMap<>();

    CheaperModels(PriceTable table) {
        this.table = Objects.requireNonNull(table);
        for (ModelPrice price : table.entries()) {
            released.merge(price.model(), price.effectiveFrom(), (a, b) -> a.isBefore(b) ? a : b);
            last.put(price.model(), price);
        }
    }

    /** The model the same traffic would have used one step down, if there is one on {@code date}. */
    Optional<String> cheaperThan(String model, LocalDate date) {
        return answers.computeIfAbsent(model + "@" + date, key -> find(model, date));
    }

    private Optional<String> find(String model, LocalDate date) {
        Optional<String> family = PriceTable.familyOf(model);
        if (family.isEmpty() || !NEXT.containsKey(family.get())) {
            return Optional.empty();
        }
        String next = NEXT.get(family.get());
        String base = SNAPSHOT.matcher(model).replaceFirst("");
        String sameGeneration = base.replaceFirst("(^|-)" + family.get() + "(-|$)", "$1" + next + "$2");
        if (current(sameGeneration, date)) {
            return Optional.of(sameGeneration);
        }
        List<String> candidates = released.keySet().stream()
                .filter(candidate -> PriceTable.familyOf(candidate).equals(Optional.of(next)))
                .filter(candidate -> current(candidate, date))
                .sorted(Comparator.comparing((String candidate) -> released.get(candidate))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(candidates.size() - 1));
    }

    /** Listed, released on or before {@code date} and not retired on it. */
    private boolean current(String model, LocalDate date) {
        LocalDate release = released.get(model);
        return release != null && !release.isAfter(date) && !last.get(model).retiredOn(date)
                && table.lookup(model, date).isPresent();
    }
}
