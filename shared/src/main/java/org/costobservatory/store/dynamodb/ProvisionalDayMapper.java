package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.map;
import static org.costobservatory.store.dynamodb.Items.money;
import static org.costobservatory.store.dynamodb.Items.s;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.costobservatory.domain.Money;
import org.costobservatory.pricing.PriceBasis;
import org.costobservatory.store.ProvisionalDay;
import org.costobservatory.store.RunInfo;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The {@code PROVISIONAL} / date item, written and read here only: a day's provisional figure as it settled. */
final class ProvisionalDayMapper {
    private ProvisionalDayMapper() {
    }

    static Map<String, AttributeValue> item(ProvisionalDay day, RunInfo run) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.PROVISIONAL));
        item.put(Keys.SK, s(day.date().toString()));
        item.put("date", s(day.date().toString()));
        item.put("provisional_cents", money(day.total().provisionalCents()));
        item.put("provisional_usd", money(Money.centsToUsd(day.total().provisionalCents())));
        item.put("list_cents", money(day.total().listCents()));
        item.put("list_usd", money(Money.centsToUsd(day.total().listCents())));
        Map<String, AttributeValue> models = new LinkedHashMap<>();
        new TreeMap<>(day.byModel()).forEach((model, amounts) -> {
            Map<String, AttributeValue> value = amounts(amounts);
            value.put("basis", s(day.basis().getOrDefault(model, PriceBasis.LIST).id()));
            models.put(model, map(value));
        });
        item.put("by_model", map(models));
        item.put("by_workspace", breakdown(day.byWorkspace()));
        item.put("by_token_type", breakdown(day.byTokenType()));
        day.settledThroughBefore().ifPresent(date -> item.put("settled_through_before", s(date.toString())));
        item.put("run_id", s(run.runId()));
        item.put("fetched_at", s(run.fetchedAt().toString()));
        return item;
    }

    static ProvisionalDay read(Map<String, AttributeValue> item) {
        Map<String, ProvisionalDay.Amounts> byModel = new TreeMap<>();
        Map<String, PriceBasis> basis = new TreeMap<>();
        AttributeValue models = item.get("by_model");
        if (models != null && models.hasM()) {
            models.m().forEach((model, value) -> {
                byModel.put(model, amounts(value.m()));
                basis.put(model, PriceBasis.fromId(Items.str(value.m(), "basis", PriceBasis.LIST.id())));
            });
        }
        return new ProvisionalDay(LocalDate.parse(Items.str(item, "date")),
                new ProvisionalDay.Amounts(Items.dec(item, "provisional_cents"), Items.dec(item, "list_cents")),
                byModel, breakdown(item, "by_workspace"), breakdown(item, "by_token_type"), basis,
                Optional.ofNullable(Items.str(item, "settled_through_before")).map(LocalDate::parse));
    }

    private static AttributeValue breakdown(Map<String, ProvisionalDay.Amounts> parts) {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        new TreeMap<>(parts).forEach((key, amounts) -> values.put(key, map(amounts(amounts))));
        return map(values);
    }

    private static Map<String, ProvisionalDay.Amounts> breakdown(Map<String, AttributeValue> item, String name) {
        Map<String, ProvisionalDay.Amounts> parts = new TreeMap<>();
        AttributeValue value = item.get(name);
        if (value != null && value.hasM()) {
            value.m().forEach((key, amounts) -> parts.put(key, amounts(amounts.m())));
        }
        return parts;
    }

    private static Map<String, AttributeValue> amounts(ProvisionalDay.Amounts amounts) {
        Map<String, AttributeValue> value = new LinkedHashMap<>();
        value.put("provisional_cents", money(amounts.provisionalCents()));
        value.put("list_cents", money(amounts.listCents()));
        return value;
    }

    private static ProvisionalDay.Amounts amounts(Map<String, AttributeValue> value) {
        return new ProvisionalDay.Amounts(Items.dec(value, "provisional_cents"), Items.dec(value, "list_cents"));
    }
}
