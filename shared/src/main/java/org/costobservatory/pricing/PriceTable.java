package org.costobservatory.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.costobservatory.json.Json;

/**
 * Model prices kept as dated data (see {@code prices.json}). A usage line is priced with the entry for its model that
 * was in effect on the line's date. Model ids match exactly or with a snapshot date suffix, so
 * {@code claude-sonnet-4-5-20250929} is priced as {@code claude-sonnet-4-5} and never as {@code claude-sonnet-4}.
 * A model the table does not list is priced by {@link #fallbackFor}: never as a retired model, never as $0.
 */
public final class PriceTable {
    private static final Pattern SNAPSHOT_SUFFIX = Pattern.compile("-\\d{8}$");
    private static final Pattern FAMILY_WORD = Pattern.compile("[a-z]+");
    private static final String BUNDLED = "/org/costobservatory/pricing/prices.json";
    /** Far above any real price (USD per million tokens); what is beyond it is a typo or a hostile file. */
    private static final BigDecimal MAX_RATE = BigDecimal.valueOf(100_000);
    private static final int MAX_DECIMALS = 6;
    /** Ties in price fall to the model id, so the choice never depends on the order of the file. */
    private static final Comparator<ModelPrice> MOST_EXPENSIVE = Comparator
            .<ModelPrice, TokenRates>comparing(ModelPrice::standard, TokenRates::compareCost)
            .thenComparing(ModelPrice::model, Comparator.reverseOrder());

    private final Map<String, List<ModelPrice>> byModel;
    private final BigDecimal batchMultiplier;
    private final BigDecimal webSearchUsdPerThousand;

    PriceTable(List<ModelPrice> prices, BigDecimal batchMultiplier, BigDecimal webSearchUsdPerThousand) {
        Map<String, List<ModelPrice>> grouped = new LinkedHashMap<>();
        for (ModelPrice price : prices) {
            grouped.computeIfAbsent(price.model(), m -> new ArrayList<>()).add(price);
        }
        grouped.values().forEach(list -> list.sort(Comparator.comparing(ModelPrice::effectiveFrom)));
        this.byModel = grouped;
        this.batchMultiplier = batchMultiplier;
        this.webSearchUsdPerThousand = webSearchUsdPerThousand;
    }

    /** The table that ships with Cost Observatory. */
    public static PriceTable bundled() {
        try (InputStream in = PriceTable.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("bundled price table " + BUNDLED + " is missing from the classpath");
            }
            return parse(in.readAllBytes(), BUNDLED);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled price table", e);
        }
    }

    /**
     * Reads an operator's price table file (the bundled one's format; {@code source}, {@code note} and
     * {@code retired} are optional, so a table written before they existed still loads).
     */
    public static PriceTable fromFile(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read price table " + file + ": " + e.getMessage(), e);
        }
    }

    static PriceTable parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("price table " + source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("models").isArray()) {
            throw new IllegalArgumentException("price table " + source + ": 'models' must be an array");
        }
        BigDecimal batch = decimal(root, "batch_multiplier", source, "top level");
        if (batch.signum() == 0 || batch.compareTo(BigDecimal.ONE) > 0) {
            throw invalid(source, "top level.batch_multiplier must be more than 0 and at most 1, got " + batch);
        }
        BigDecimal webSearch = decimal(root, "web_search_usd_per_1000", source, "top level");
        List<ModelPrice> prices = new ArrayList<>();
        List<String> places = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : root.path("models")) {
            String where = "models[" + index++ + "]";
            if (!entry.isObject()) {
                throw invalid(source, where + " must be an object");
            }
            JsonNode modelNode = entry.path("model");
            if (!modelNode.isMissingNode() && !modelNode.isNull() && !modelNode.isTextual()) {
                throw invalid(source, where + ".model must be a model id string");
            }
            if (modelNode.asText("").isBlank()) {
                throw invalid(source, where + ".model is missing");
            }
            String model = modelNode.asText();
            where = where + " (" + model + ")";
            String at = where;
            LocalDate from = date(entry, "effective_from", source, where)
                    .orElseThrow(() -> invalid(source, at + ".effective_from must be YYYY-MM-DD"));
            TokenRates standard = rates(entry, source, where);
            Optional<TokenRates> longContext = Optional.empty();
            if (entry.has("long_context")) {
                if (!entry.get("long_context").isObject()) {
                    throw invalid(source, where + ".long_context must be an object with the five rates");
                }
                longContext = Optional.of(rates(entry.get("long_context"), source, where + ".long_context"));
            }
            prices.add(new ModelPrice(model, from, standard, longContext, date(entry, "retired", source, where),
                    url(entry, "source", source, where), text(entry, "note", source, where)));
            places.add(where);
        }
        if (prices.isEmpty()) {
            throw new IllegalArgumentException("price table " + source + " lists no models");
        }
        applyRetirements(prices, places, source);
        if (prices.stream().allMatch(price -> price.retired().isPresent())) {
            throw invalid(source, "every model is retired; at least one must be current, to price models the table"
                    + " does not list");
        }
        return new PriceTable(prices, batch, webSearch);
    }

    /**
     * Checks what only the entries of one model together can show (one entry per effective date, one retirement date
     * after the model's first entry) and gives every entry of a model its retirement date.
     */
    private static void applyRetirements(List<ModelPrice> prices, List<String> places, String source) {
        Map<String, List<Integer>> byModel = new LinkedHashMap<>();
        for (int i = 0; i < prices.size(); i++) {
            byModel.computeIfAbsent(prices.get(i).model(), m -> new ArrayList<>()).add(i);
        }
        for (List<Integer> entries : byModel.values()) {
            Map<LocalDate, Integer> byDate = new HashMap<>();
            Integer retiredAt = null;
            LocalDate first = null;
            for (int i : entries) {
                ModelPrice price = prices.get(i);
                Integer other = byDate.putIfAbsent(price.effectiveFrom(), i);
                if (other != null) {
                    throw invalid(source, places.get(i) + ".effective_from " + price.effectiveFrom()
                            + " is already the date of " + places.get(other) + "; one entry per model and date");
                }
                if (first == null || price.effectiveFrom().isBefore(first)) {
                    first = price.effectiveFrom();
                }
                if (price.retired().isPresent()) {
                    if (retiredAt != null && !prices.get(retiredAt).retired().equals(price.retired())) {
                        throw invalid(source, places.get(i) + ".retired is " + price.retired().get() + " but "
                                + places.get(retiredAt) + " says " + prices.get(retiredAt).retired().get());
                    }
                    retiredAt = i;
                }
            }
            if (retiredAt == null) {
                continue;
            }
            LocalDate retired = prices.get(retiredAt).retired().get();
            if (!retired.isAfter(first)) {
                throw invalid(source, places.get(retiredAt) + ".retired " + retired
                        + " must be after the model's first effective_from " + first);
            }
            for (int i : entries) {
                prices.set(i, prices.get(i).withRetired(Optional.of(retired)));
            }
        }
    }

    private static TokenRates rates(JsonNode node, String source, String where) {
        TokenRates rates = new TokenRates(decimal(node, "input", source, where),
                decimal(node, "output", source, where), decimal(node, "cache_write_5m", source, where),
                decimal(node, "cache_write_1h", source, where), decimal(node, "cache_read", source, where));
        if (rates.input().signum() == 0 || rates.output().signum() == 0) {
            String field = rates.input().signum() == 0 ? "input" : "output";
            throw invalid(source, where + "." + field
                    + " must be more than 0 (a zero price would count the model's usage as free)");
        }
        return rates;
    }

    private static BigDecimal decimal(JsonNode node, String field, String source, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("price table " + source + ": " + where + "." + field + " is missing");
        }
        try {
            BigDecimal decimal = new BigDecimal(value.asText());
            if (decimal.signum() < 0) {
                throw new IllegalArgumentException("price table " + source + ": " + where + "." + field
                        + " must not be negative");
            }
            if (decimal.compareTo(MAX_RATE) >= 0 || decimal.stripTrailingZeros().scale() > MAX_DECIMALS) {
                throw invalid(source, where + "." + field + " must be below " + MAX_RATE.toPlainString()
                        + " with at most " + MAX_DECIMALS + " decimal places, got '" + value.asText() + "'");
            }
            return decimal;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("price table " + source + ": " + where + "." + field
                    + " must be a decimal number, got '" + value.asText() + "'");
        }
    }

    private static Optional<LocalDate> date(JsonNode entry, String field, String source, String where) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value.asText("")));
        } catch (DateTimeParseException e) {
            throw invalid(source, where + "." + field + " must be YYYY-MM-DD, got '" + value.asText() + "'");
        }
    }

    private static Optional<String> text(JsonNode entry, String field, String source, String where) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw invalid(source, where + "." + field + " must be a non-empty string");
        }
        return Optional.of(value.asText());
    }

    private static Optional<String> url(JsonNode entry, String field, String source, String where) {
        Optional<String> text = text(entry, field, source, where);
        text.ifPresent(value -> {
            try {
                URI uri = new URI(value);
                if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new URISyntaxException(value, "not an http(s) address");
                }
            } catch (URISyntaxException e) {
                throw invalid(source, where + "." + field + " must be an http(s) URL, got '" + value + "'");
            }
        });
        return text;
    }

    private static IllegalArgumentException invalid(String source, String problem) {
        return new IllegalArgumentException("price table " + source + ": " + problem);
    }

    /**
     * The price in effect for {@code model} on {@code date}, if the model is listed. A date before the model's first
     * entry gets that entry: the table dates a model from its announcement, and early access can precede it.
     */
    public Optional<ModelPrice> lookup(String model, LocalDate date) {
        List<ModelPrice> entries = byModel.get(model);
        if (entries == null) {
            entries = byModel.get(SNAPSHOT_SUFFIX.matcher(model).replaceFirst(""));
        }
        if (entries == null) {
            return Optional.empty();
        }
        ModelPrice chosen = entries.get(0);
        for (ModelPrice entry : entries) {
            if (!entry.effectiveFrom().isAfter(date)) {
                chosen = entry;
            }
        }
        return Optional.of(chosen);
    }

    /**
     * What a model with no list price on {@code date} is priced as: the most expensive current model of its family,
     * else the most expensive current model. Current means released (first entry on or before the date) and not
     * retired on it; a retired model is never chosen, so no unlisted model counts as $0 or at a withdrawn price.
     */
    public ModelPrice fallbackFor(String model, LocalDate date) {
        List<ModelPrice> current = currentOn(date);
        Optional<String> family = familyOf(model);
        return current.stream()
                .filter(price -> family.isPresent() && familyOf(price.model()).equals(family))
                .max(MOST_EXPENSIVE)
                .orElseGet(() -> current.stream().max(MOST_EXPENSIVE).orElseThrow());
    }

    /** The prices in effect on {@code date} of the models current then; never empty (see {@link #parse}). */
    private List<ModelPrice> currentOn(LocalDate date) {
        List<ModelPrice> released = new ArrayList<>();
        List<ModelPrice> notRetired = new ArrayList<>();
        for (Map.Entry<String, List<ModelPrice>> entries : byModel.entrySet()) {
            ModelPrice price = lookup(entries.getKey(), date).orElseThrow();
            if (price.retiredOn(date)) {
                continue;
            }
            notRetired.add(price);
            if (!entries.getValue().get(0).effectiveFrom().isAfter(date)) {
                released.add(price);
            }
        }
        // a date before every listed release: the models that were not withdrawn by then are the best guess
        return released.isEmpty() ? notRetired : released;
    }

    /**
     * The family of a model id: its first word that is not {@code claude} and not a version, so
     * {@code claude-3-5-haiku-20241022} is {@code haiku} and {@code claude-fable-5-2} is {@code fable}.
     */
    public static Optional<String> familyOf(String model) {
        for (String word : model.toLowerCase(Locale.ROOT).split("-")) {
            if (!"claude".equals(word) && FAMILY_WORD.matcher(word).matches()) {
                return Optional.of(word);
            }
        }
        return Optional.empty();
    }

    public BigDecimal batchMultiplier() {
        return batchMultiplier;
    }

    public BigDecimal webSearchUsdPerThousand() {
        return webSearchUsdPerThousand;
    }

    public List<String> models() {
        return List.copyOf(byModel.keySet());
    }

    /** Every entry, each model's in date order. */
    public List<ModelPrice> entries() {
        return byModel.values().stream().flatMap(List::stream).toList();
    }
}
