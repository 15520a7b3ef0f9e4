package org.costobservatory.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.costobservatory.json.Json;

/**
 * Model prices kept as dated data (see {@code prices.json}). A usage line is priced with the entry for its model that
 * was in effect on the line's date. Model ids match exactly or with a snapshot date suffix, so
 * {@code claude-sonnet-4-5-20250929} is priced as {@code claude-sonnet-4-5} and never as {@code claude-sonnet-4}.
 */
public final class PriceTable {
    private static final Pattern SNAPSHOT_SUFFIX = Pattern.compile("-\\d{8}$");
    private static final String BUNDLED = "/org/costobservatory/pricing/prices.json";

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

    /** Reads an operator's price table file (same format as the bundled one). */
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
        BigDecimal webSearch = decimal(root, "web_search_usd_per_1000", source, "top level");
        List<ModelPrice> prices = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : root.path("models")) {
            String where = "models[" + index++ + "]";
            String model = entry.path("model").asText("");
            if (model.isBlank()) {
                throw new IllegalArgumentException("price table " + source + ": " + where + ".model is missing");
            }
            where = where + " (" + model + ")";
            LocalDate from;
            try {
                from = LocalDate.parse(entry.path("effective_from").asText(""));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("price table " + source + ": " + where
                        + ".effective_from must be YYYY-MM-DD");
            }
            TokenRates standard = rates(entry, source, where);
            Optional<TokenRates> longContext = entry.has("long_context")
                    ? Optional.of(rates(entry.get("long_context"), source, where + ".long_context"))
                    : Optional.empty();
            prices.add(new ModelPrice(model, from, standard, longContext));
        }
        if (prices.isEmpty()) {
            throw new IllegalArgumentException("price table " + source + " lists no models");
        }
        return new PriceTable(prices, batch, webSearch);
    }

    private static TokenRates rates(JsonNode node, String source, String where) {
        return new TokenRates(decimal(node, "input", source, where), decimal(node, "output", source, where),
                decimal(node, "cache_write_5m", source, where), decimal(node, "cache_write_1h", source, where),
                decimal(node, "cache_read", source, where));
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
            return decimal;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("price table " + source + ": " + where + "." + field
                    + " must be a decimal number, got '" + value.asText() + "'");
        }
    }

    /** The price in effect for {@code model} on {@code date}, if the model is known. */
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

    /** The most expensive model in effect on {@code date}: what an unknown model is priced as. */
    public ModelPrice mostExpensive(LocalDate date) {
        ModelPrice best = null;
        for (String model : byModel.keySet()) {
            ModelPrice candidate = lookup(model, date).orElseThrow();
            if (best == null || candidate.standard().compareCost(best.standard()) > 0) {
                best = candidate;
            }
        }
        return best;
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
}
