package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.CostDayMapper.putRun;
import static org.costobservatory.store.dynamodb.Items.map;
import static org.costobservatory.store.dynamodb.Items.money;
import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;
import static org.costobservatory.store.dynamodb.Items.strings;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.Money;
import org.costobservatory.pricing.CalibratedPrice;
import org.costobservatory.pricing.Calibration;
import org.costobservatory.pricing.CalibrationKey;
import org.costobservatory.pricing.ModelRatio;
import org.costobservatory.pricing.TokenType;
import org.costobservatory.store.RunInfo;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The items of the learned prices, written and read here only: the {@code CURRENT} header (window, counts, the
 * generation readers follow) and one item per learned price or model ratio, every rate a decimal string in USD per
 * million tokens under the cost report's token-type names, with the evidence and the days it was learned from.
 */
final class CalibrationMapper {
    static final String PRICE = "price";
    static final String MODEL = "model";

    private CalibrationMapper() {
    }

    static Map<String, AttributeValue> header(Calibration calibration, RunInfo run) {
        Map<String, AttributeValue> header = new LinkedHashMap<>();
        header.put(Keys.PK, s(Keys.CALIBRATION));
        header.put(Keys.SK, s(Keys.CALIBRATION_HEADER));
        calibration.windowFrom().ifPresent(from -> header.put("window_from", s(from.toString())));
        calibration.windowTo().ifPresent(to -> header.put("window_to", s(to.toString())));
        header.put("price_count", n(calibration.prices().size()));
        header.put("model_count", n(calibration.models().size()));
        putRun(header, run);
        return header;
    }

    static Map<String, AttributeValue> price(CalibratedPrice price, RunInfo run) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.CALIBRATION));
        item.put(Keys.SK, s(Keys.row(run.generation(), PRICE + "#" + price.key().text())));
        item.put("kind", s(PRICE));
        item.put("workspace_id", s(price.key().workspaceId()));
        item.put("model", s(price.key().model()));
        item.put("service_tier", s(price.key().serviceTier()));
        item.put("context_window", s(price.key().contextWindow()));
        item.put("priced_as", s(price.pricedAs()));
        item.put("usd_per_mtok", rates(price.usdPerMtok()));
        item.put("list_usd_per_mtok", rates(price.listUsdPerMtok()));
        item.put("ratio_to_list", money(price.ratioToList()));
        Map<String, AttributeValue> learned = new LinkedHashMap<>();
        new EnumMap<>(price.learned()).forEach((type, evidence) -> learned.put(type.id(), map(Map.of(
                "tokens", n(evidence.tokens()), "billed_cents", money(evidence.billedCents()),
                "list_cents", money(evidence.listCents())))));
        item.put("learned_from", map(learned));
        item.put("days", strings(price.days().stream().map(LocalDate::toString).toList()));
        putRun(item, run);
        return item;
    }

    static Map<String, AttributeValue> model(ModelRatio ratio, RunInfo run) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.CALIBRATION));
        item.put(Keys.SK, s(Keys.row(run.generation(), MODEL + "#" + ratio.model())));
        item.put("kind", s(MODEL));
        item.put("model", s(ratio.model()));
        item.put("ratio_to_list", money(ratio.ratioToList()));
        item.put("billed_cents", money(ratio.billedCents()));
        item.put("list_cents", money(ratio.listCents()));
        item.put("days", strings(ratio.days().stream().map(LocalDate::toString).toList()));
        putRun(item, run);
        return item;
    }

    /** The content of a calibration, one line per price and per model, for the unchanged-content digest. */
    static List<String> canonical(Calibration calibration) {
        List<String> lines = new ArrayList<>();
        lines.add("window|" + calibration.windowFrom().map(LocalDate::toString).orElse("") + "|"
                + calibration.windowTo().map(LocalDate::toString).orElse(""));
        for (CalibratedPrice price : calibration.prices()) {
            StringBuilder line = new StringBuilder(PRICE).append('|').append(price.key().text()).append('|')
                    .append(price.pricedAs()).append('|').append(Money.plain(price.ratioToList()));
            for (TokenType type : TokenType.values()) {
                line.append('|').append(Money.plain(price.rate(type))).append('|')
                        .append(Money.plain(price.listUsdPerMtok().getOrDefault(type, BigDecimal.ZERO)));
                CalibratedPrice.Evidence evidence = price.learned().get(type);
                if (evidence != null) {
                    line.append('|').append(evidence.tokens()).append('|').append(Money.plain(evidence.billedCents()))
                            .append('|').append(Money.plain(evidence.listCents()));
                }
            }
            lines.add(line.append('|').append(price.days()).toString());
        }
        for (ModelRatio model : calibration.models()) {
            lines.add(MODEL + "|" + model.model() + "|" + Money.plain(model.ratioToList()) + "|"
                    + Money.plain(model.billedCents()) + "|" + Money.plain(model.listCents()) + "|" + model.days());
        }
        return lines;
    }

    static Calibration read(Map<String, AttributeValue> header, List<Map<String, AttributeValue>> rows) {
        List<CalibratedPrice> prices = new ArrayList<>();
        List<ModelRatio> models = new ArrayList<>();
        for (Map<String, AttributeValue> item : rows) {
            List<LocalDate> days = Items.stringList(item, "days").stream().map(LocalDate::parse).toList();
            if (MODEL.equals(Items.str(item, "kind"))) {
                models.add(new ModelRatio(Items.str(item, "model"), Items.dec(item, "ratio_to_list"),
                        Items.dec(item, "billed_cents"), Items.dec(item, "list_cents"), days));
                continue;
            }
            Map<TokenType, CalibratedPrice.Evidence> learned = new EnumMap<>(TokenType.class);
            AttributeValue evidence = item.get("learned_from");
            if (evidence != null && evidence.hasM()) {
                evidence.m().forEach((type, value) -> TokenType.fromId(type).ifPresent(kind -> learned.put(kind,
                        new CalibratedPrice.Evidence(Items.num(value.m(), "tokens"),
                                Items.dec(value.m(), "billed_cents"), Items.dec(value.m(), "list_cents")))));
            }
            prices.add(new CalibratedPrice(new CalibrationKey(Items.str(item, "workspace_id"),
                    Items.str(item, "model"), Items.str(item, "service_tier"), Items.str(item, "context_window")),
                    Items.str(item, "priced_as"), rates(item, "usd_per_mtok"), rates(item, "list_usd_per_mtok"),
                    Items.dec(item, "ratio_to_list"), learned, days));
        }
        return new Calibration(Optional.ofNullable(Items.str(header, "window_from")).map(LocalDate::parse),
                Optional.ofNullable(Items.str(header, "window_to")).map(LocalDate::parse), prices, models);
    }

    private static AttributeValue rates(Map<TokenType, BigDecimal> rates) {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        new EnumMap<>(rates).forEach((type, rate) -> values.put(type.id(), money(rate)));
        return map(values);
    }

    private static Map<TokenType, BigDecimal> rates(Map<String, AttributeValue> item, String name) {
        Map<TokenType, BigDecimal> rates = new EnumMap<>(TokenType.class);
        AttributeValue value = item.get(name);
        if (value != null && value.hasM()) {
            value.m().forEach((type, rate) -> TokenType.fromId(type).ifPresent(kind ->
                    rates.put(kind, new BigDecimal(rate.s()))));
        }
        return rates;
    }
}
