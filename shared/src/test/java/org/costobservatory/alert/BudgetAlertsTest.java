package org.costobservatory.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.json.Json;
import org.costobservatory.metrics.EmfMetrics;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.Test;

/** After every ingest run each budget is evaluated and its spend written as a metric for the dashboard. */
class BudgetAlertsTest {
    @Test
    void everyBudgetIsWrittenAsAMetricWhenTheRunEvaluatesIt() throws Exception {
        List<String> lines = new ArrayList<>();
        Components components = Components.builder(Config.fromEnv(Map.of("TABLE_NAME",
                DynamoDbLocal.shared().newTable()))).dynamo(DynamoDbLocal.shared().client())
                .clock(Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC))
                .metrics(new EmfMetrics("CostObservatory/test", lines::add)).alertPublisher(message -> "unused")
                .build();
        for (String name : List.of("team", "org")) {
            components.budgets().put(new Budget(name, new BigDecimal("250"), BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                    BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT,
                    Optional.empty(), Optional.empty(), Optional.empty()));
        }

        assertThat(components.budgetAlerts().run()).as("nothing spent, nothing sent").isZero();

        List<JsonNode> budgets = new ArrayList<>();
        for (String line : lines) {
            JsonNode document = Json.mapper().readTree(line);
            if (document.has("Budget")) {
                budgets.add(document);
            }
        }
        assertThat(budgets).extracting(d -> d.get("Budget").asText()).containsExactlyInAnyOrder("team", "org");
        assertThat(budgets).allSatisfy(d -> {
            assertThat(d.get("LimitUsd").asDouble()).isEqualTo(250.0);
            assertThat(d.get("SpentUsd").asDouble()).isZero();
        });
    }
}
