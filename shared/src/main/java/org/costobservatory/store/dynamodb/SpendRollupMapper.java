package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.bool;
import static org.costobservatory.store.dynamodb.Items.map;
import static org.costobservatory.store.dynamodb.Items.money;
import static org.costobservatory.store.dynamodb.Items.s;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.budget.SpendRollups;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.pricing.PriceBasis;
import org.costobservatory.store.DailySpend;
import org.costobservatory.store.HourSpend;
import org.costobservatory.store.RunInfo;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The per-day spend rollup item ({@code SPEND#<scope>} / date), written and read here only. The settled part and each
 * hour of usage are written by separate conditional updates, each guarded by its own generation, so an older run
 * finishing late never overwrites a newer one and the two reports never overwrite each other.
 */
final class SpendRollupMapper {
    private SpendRollupMapper() {
    }

    static String hourAttribute(int hour) {
        return String.format(Locale.ROOT, "usage_h%02d", hour);
    }

    /** Sets the settled part of {@code date} unless a newer cost run already did. */
    static UpdateItemRequest settledUpdate(String table, SpendScope scope, LocalDate date,
                                           SpendRollups.Settled settled, RunInfo run) {
        Map<String, AttributeValue> models = new LinkedHashMap<>();
        settled.byModel().forEach((model, cents) -> models.put(model, money(cents)));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":scope", s(scope.text()));
        values.put(":date", s(date.toString()));
        values.put(":c", money(settled.cents()));
        values.put(":u", money(Money.centsToUsd(settled.cents())));
        values.put(":m", map(models));
        values.put(":g", s(run.generation()));
        values.put(":t", s(run.fetchedAt().toString()));
        return UpdateItemRequest.builder().tableName(table)
                .key(Dynamo.key(Keys.spend(scope), date.toString()))
                .updateExpression("SET #scope = :scope, #date = :date, settled_cents = :c, settled_usd = :u, "
                        + "settled_by_model = :m, settled_generation = :g, settled_at = :t")
                .conditionExpression("attribute_not_exists(settled_generation) OR settled_generation <= :g")
                .expressionAttributeNames(Map.of("#scope", "scope", "#date", "date"))
                .expressionAttributeValues(values).build();
    }

    /** Sets one hour of usage of {@code date} unless a newer usage run already did. */
    static UpdateItemRequest hourUpdate(String table, SpendScope scope, LocalDate date, int hour,
                                        SpendRollups.Hour usage, RunInfo run) {
        String hourAttribute = hourAttribute(hour);
        Map<String, AttributeValue> models = models(usage.byModel());
        Map<String, String> names = new HashMap<>();
        names.put("#scope", "scope");
        names.put("#date", "date");
        names.put("#hour", hourAttribute);
        names.put("#hourgen", hourAttribute + "_generation");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":scope", s(scope.text()));
        values.put(":date", s(date.toString()));
        values.put(":m", map(models));
        values.put(":g", s(run.generation()));
        String update = "SET #scope = :scope, #date = :date, #hour = :m, #hourgen = :g";
        if (usage.workspaceId().isPresent()) {
            update += ", workspace_id = :ws";
            values.put(":ws", s(usage.workspaceId().get()));
        }
        return UpdateItemRequest.builder().tableName(table)
                .key(Dynamo.key(Keys.spend(scope), date.toString()))
                .updateExpression(update)
                .conditionExpression("attribute_not_exists(#hourgen) OR #hourgen <= :g")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values).build();
    }

    /**
     * Sets one scope's hour of usage to re-priced figures, provided the hour is still the generation {@code g}: a
     * newer run's figures, or a newer run's generation, are never overwritten.
     */
    static UpdateItemRequest repriceUpdate(String table, SpendScope scope, LocalDate date, int hour,
                                           Map<String, HourSpend> byModel, String generation) {
        String hourAttribute = hourAttribute(hour);
        return UpdateItemRequest.builder().tableName(table)
                .key(Dynamo.key(Keys.spend(scope), date.toString()))
                .updateExpression("SET #hour = :m")
                .conditionExpression("#hourgen = :g")
                .expressionAttributeNames(Map.of("#hour", hourAttribute, "#hourgen", hourAttribute + "_generation"))
                .expressionAttributeValues(Map.of(":m", map(models(byModel)), ":g", s(generation))).build();
    }

    /** Each model's estimate of the hour; {@code unpriced} or {@code calibrated} say what it rests on (else list). */
    private static Map<String, AttributeValue> models(Map<String, HourSpend> byModel) {
        Map<String, AttributeValue> models = new LinkedHashMap<>();
        byModel.forEach((model, spend) -> {
            Map<String, AttributeValue> value = new LinkedHashMap<>();
            value.put("cents", money(spend.cents()));
            value.put("priority_cents", money(spend.priorityCents()));
            if (spend.basis() == PriceBasis.UNPRICED) {
                value.put("unpriced", bool(true));
            } else if (spend.basis() == PriceBasis.CALIBRATED) {
                value.put("calibrated", bool(true));
            }
            models.put(model, map(value));
        });
        return models;
    }

    static DailySpend read(SpendScope scope, Map<String, AttributeValue> item) {
        LocalDate date = LocalDate.parse(item.get(Keys.SK).s());
        Optional<BigDecimal> settled = item.containsKey("settled_cents")
                ? Optional.of(Items.dec(item, "settled_cents"))
                : Optional.empty();
        Map<String, BigDecimal> settledByModel = new TreeMap<>();
        AttributeValue models = item.get("settled_by_model");
        if (models != null && models.hasM()) {
            models.m().forEach((model, cents) -> settledByModel.put(model, new BigDecimal(cents.s())));
        }
        Map<Integer, Map<String, HourSpend>> hours = new TreeMap<>();
        for (int hour = 0; hour < 24; hour++) {
            AttributeValue value = item.get(hourAttribute(hour));
            if (value == null || !value.hasM()) {
                continue;
            }
            Map<String, HourSpend> byModel = new LinkedHashMap<>();
            value.m().forEach((model, spend) -> byModel.put(model, new HourSpend(
                    Items.dec(spend.m(), "cents"), Items.dec(spend.m(), "priority_cents"),
                    Items.flag(spend.m(), "unpriced") ? PriceBasis.UNPRICED
                            : Items.flag(spend.m(), "calibrated") ? PriceBasis.CALIBRATED : PriceBasis.LIST)));
            hours.put(hour, byModel);
        }
        return new DailySpend(date, scope, settled, settledByModel, hours,
                Optional.ofNullable(Items.str(item, "workspace_id")));
    }
}
