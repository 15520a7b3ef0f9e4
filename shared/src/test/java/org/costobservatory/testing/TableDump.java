package org.costobservatory.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Reads a whole test table, sorted, optionally without run metadata, so two stores can be compared item by item
 * (the "clean single run" oracle of rule N3).
 */
public final class TableDump {
    /** Attributes that legitimately differ between runs that stored the same facts. */
    public static final Set<String> RUN_METADATA = Set.of("generation", "run_id", "fetched_at", "settled_generation",
            "settled_at", "last_success_at", "last_window_from", "last_window_to", "last_run_id", "version",
            "seq");
    private static final Pattern ROW_GENERATION = Pattern.compile("^ROW#[^#]+#");
    private static final Pattern HOUR_GENERATION = Pattern.compile("^usage_h\\d\\d_generation$");

    private TableDump() {
    }

    public static List<Map<String, AttributeValue>> all(DynamoDbClient dynamo, String table) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (ScanResponse page : dynamo.scanPaginator(ScanRequest.builder().tableName(table).build())) {
            items.addAll(page.items());
        }
        items.sort((a, b) -> (a.get("pk").s() + "\u0000" + a.get("sk").s())
                .compareTo(b.get("pk").s() + "\u0000" + b.get("sk").s()));
        return items;
    }

    /** Every item as sorted text with run metadata and generations in row keys removed. */
    public static List<String> withoutRunMetadata(DynamoDbClient dynamo, String table) {
        List<String> result = new ArrayList<>();
        for (Map<String, AttributeValue> item : all(dynamo, table)) {
            Map<String, String> text = new TreeMap<>();
            item.forEach((name, value) -> {
                if (RUN_METADATA.contains(name) || HOUR_GENERATION.matcher(name).matches()) {
                    return;
                }
                String rendered = value.toString();
                if (name.equals("sk")) {
                    rendered = ROW_GENERATION.matcher(value.s()).replaceFirst("ROW#*#");
                }
                text.put(name, rendered);
            });
            result.add(text.toString());
        }
        result.sort(String::compareTo);
        return result;
    }
}
