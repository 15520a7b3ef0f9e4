package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.map;
import static org.costobservatory.store.dynamodb.Items.s;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.Budget;
import org.costobservatory.store.BudgetChange;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One recorded budget change ({@code AUDIT#<budget>} / {@code <at>#<random>}): who, when, and the budget before and
 * after, each as the budget item's own attributes. Written and read here only.
 */
final class BudgetChangeMapper {
    private BudgetChangeMapper() {
    }

    static Map<String, AttributeValue> toItem(BudgetChange change) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.audit(change.budget())));
        item.put(Keys.SK, s(change.id()));
        item.put("budget", s(change.budget()));
        item.put("at", s(change.at().toString()));
        item.put("who", s(change.who()));
        item.put("action", s(change.action()));
        change.before().ifPresent(budget -> item.put("before", map(budgetAttributes(budget))));
        change.after().ifPresent(budget -> item.put("after", map(budgetAttributes(budget))));
        return item;
    }

    static BudgetChange fromItem(Map<String, AttributeValue> item) {
        return new BudgetChange(Items.str(item, "budget"), Items.str(item, Keys.SK),
                Instant.parse(Items.str(item, "at")), Items.str(item, "who"), budget(item, "before"),
                budget(item, "after"));
    }

    private static Map<String, AttributeValue> budgetAttributes(Budget budget) {
        Map<String, AttributeValue> attributes = DynamoDbBudgetStore.toItem(budget);
        attributes.remove(Keys.PK);
        attributes.remove(Keys.SK);
        return attributes;
    }

    private static Optional<Budget> budget(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || !value.hasM() ? Optional.empty() : Optional.of(DynamoDbBudgetStore.fromItem(value.m()));
    }
}
