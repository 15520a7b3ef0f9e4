package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.money;
import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.ClientEstimate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The {@code ESTIMATE} / {@code <date>#<identity>} item, written and read here only: one client-side estimate. */
final class EstimateMapper {
    private EstimateMapper() {
    }

    static String sortKey(ClientEstimate estimate) {
        return estimate.date() + "#" + estimate.identity();
    }

    static Map<String, AttributeValue> item(ClientEstimate estimate) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(Keys.ESTIMATE));
        item.put(Keys.SK, s(sortKey(estimate)));
        item.put("date", s(estimate.date().toString()));
        item.put("time", s(estimate.time().toString()));
        item.put("cost_usd", money(estimate.costUsd()));
        item.put("cost_cents", money(estimate.costCents()));
        estimate.model().ifPresent(v -> item.put("model", s(v)));
        estimate.workspaceId().ifPresent(v -> item.put("workspace_id", s(v)));
        estimate.apiKeyId().ifPresent(v -> item.put("api_key_id", s(v)));
        estimate.runId().ifPresent(v -> item.put("run_id", s(v)));
        estimate.source().ifPresent(v -> item.put("source", s(v)));
        estimate.inputTokens().ifPresent(v -> item.put("input_tokens", n(v)));
        estimate.outputTokens().ifPresent(v -> item.put("output_tokens", n(v)));
        estimate.cacheReadInputTokens().ifPresent(v -> item.put("cache_read_input_tokens", n(v)));
        estimate.cacheCreationInputTokens().ifPresent(v -> item.put("cache_creation_input_tokens", n(v)));
        return item;
    }

    static ClientEstimate read(Map<String, AttributeValue> item) {
        return new ClientEstimate(Instant.parse(Items.str(item, "time")), Items.dec(item, "cost_usd"),
                text(item, "model"), text(item, "workspace_id"), text(item, "api_key_id"), text(item, "run_id"),
                text(item, "source"), count(item, "input_tokens"), count(item, "output_tokens"),
                count(item, "cache_read_input_tokens"), count(item, "cache_creation_input_tokens"));
    }

    private static Optional<String> text(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(Items.str(item, name));
    }

    private static Optional<Long> count(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? Optional.of(Items.num(item, name)) : Optional.empty();
    }
}
