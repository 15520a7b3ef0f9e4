package org.costobservatory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.costobservatory.json.Json;
import org.costobservatory.log.Log;
import org.junit.jupiter.api.Test;

/** The EMF documents as CloudWatch Logs reads them: namespace, dimension sets, metric names, units and values. */
class EmfMetricsTest {
    private final List<String> lines = new ArrayList<>();
    private final EmfMetrics metrics = new EmfMetrics("CostObservatory/test-stack", lines::add);

    private JsonNode only() throws Exception {
        assertThat(lines).hasSize(1);
        return Json.mapper().readTree(lines.get(0));
    }

    private static JsonNode directive(JsonNode document) {
        JsonNode directives = document.at("/_aws/CloudWatchMetrics");
        assertThat(directives).hasSize(1);
        assertThat(document.at("/_aws/Timestamp").asLong()).isPositive();
        return directives.get(0);
    }

    private static List<String> names(JsonNode directive) {
        List<String> names = new ArrayList<>();
        directive.path("Metrics").forEach(metric -> names.add(metric.path("Name").asText() + ":"
                + metric.path("Unit").asText()));
        return names;
    }

    @Test
    void aBudgetIsOneDocumentWithTheBudgetAsItsOnlyDimension() throws Exception {
        metrics.budget("team-agents", new BigDecimal("8300.26"), new BigDecimal("10000"), new BigDecimal("83.00"),
                Optional.empty());

        JsonNode document = only();
        JsonNode directive = directive(document);
        assertThat(directive.path("Namespace").asText()).isEqualTo("CostObservatory/test-stack");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Budget\"]]");
        assertThat(names(directive)).containsExactlyInAnyOrder("SpentUsd:None", "LimitUsd:None",
                "PercentUsed:Percent");
        assertThat(document.path("Budget").asText()).isEqualTo("team-agents");
        assertThat(document.path("SpentUsd").asDouble()).isEqualTo(8300.26);
        assertThat(document.path("LimitUsd").asDouble()).isEqualTo(10000.0);
        assertThat(document.path("PercentUsed").asDouble()).isEqualTo(83.0);
        assertThat(document.has("LogGroup") || document.has("ServiceName")).as("no library default dimensions")
                .isFalse();
    }

    @Test
    void heldMoneyIsRecordedWhenThereIsSome() throws Exception {
        metrics.budget("team-agents", BigDecimal.ONE, BigDecimal.TEN, BigDecimal.TEN, Optional.of(new BigDecimal("2.5")));

        assertThat(names(directive(only()))).contains("HeldUsd:None");
        assertThat(only().path("HeldUsd").asDouble()).isEqualTo(2.5);
    }

    @Test
    void anIngestRunIsCountedByReport() throws Exception {
        metrics.ingestRun("usage", 1234, 3, Duration.ofMillis(2500));

        JsonNode document = only();
        JsonNode directive = directive(document);
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Report\"]]");
        assertThat(names(directive)).containsExactlyInAnyOrder("Rows:Count", "Buckets:Count",
                "DurationMs:Milliseconds");
        assertThat(document.path("Report").asText()).isEqualTo("usage");
        assertThat(document.path("Rows").asLong()).isEqualTo(1234);
        assertThat(document.path("Buckets").asLong()).isEqualTo(3);
        assertThat(document.path("DurationMs").asLong()).isEqualTo(2500);
    }

    @Test
    void dataLagHasNoDimensionSoOneAlarmWatchesEveryRun() throws Exception {
        metrics.dataLag(Duration.ofMinutes(70).plusSeconds(30));

        JsonNode document = only();
        JsonNode directive = directive(document);
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[]]");
        assertThat(names(directive)).containsExactly("DataLagMinutes:None");
        assertThat(document.path("DataLagMinutes").asDouble()).isEqualTo(70.5);
    }

    @Test
    void aHeadroomCallIsCountedByDecisionAndItsLatencyWithAllCalls() throws Exception {
        metrics.headroomCall("deny", Duration.ofMillis(12).plusNanos(500_000));

        assertThat(lines).hasSize(2);
        JsonNode calls = Json.mapper().readTree(lines.get(0));
        assertThat(directive(calls).path("Dimensions").toString()).isEqualTo("[[\"Decision\"]]");
        assertThat(names(directive(calls))).containsExactly("HeadroomCalls:Count");
        assertThat(calls.path("Decision").asText()).isEqualTo("deny");
        assertThat(calls.path("HeadroomCalls").asInt()).isEqualTo(1);
        JsonNode latency = Json.mapper().readTree(lines.get(1));
        assertThat(directive(latency).path("Dimensions").toString()).isEqualTo("[[]]");
        assertThat(names(directive(latency))).containsExactly("HeadroomLatencyMs:Milliseconds");
        assertThat(latency.path("HeadroomLatencyMs").asDouble()).isEqualTo(12.5);
    }

    @Test
    void aMetricThatCannotBeWrittenNeverFailsTheWorkItDescribes() throws Exception {
        EmfMetrics broken = new EmfMetrics("CostObservatory", line -> {
            throw new IllegalStateException("disk full");
        });
        List<String> logged = new ArrayList<>();

        try (AutoCloseable sink = Log.addSink(logged::add)) {
            broken.headroomCall("allow", Duration.ofMillis(3));
            broken.budget("b", BigDecimal.ONE, BigDecimal.TEN, BigDecimal.TEN, Optional.empty());
        }

        assertThat(logged).hasSize(3).allSatisfy(line -> assertThat(line).contains("could not write a metric")
                .contains("disk full"));
    }

    @Test
    void primingAtInitWritesNothing() throws Exception {
        assertThat(metrics.prime()).isSameAs(metrics);
        assertThat(lines).isEmpty();

        metrics.dataLag(Duration.ofMinutes(1));
        assertThat(only().path("DataLagMinutes").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aNamespaceCloudWatchWouldRefuseIsRefusedAtStart() {
        assertThatThrownBy(() -> new EmfMetrics("AWS/Lambda", lines::add)).hasMessageContaining("AWS/");
        assertThatThrownBy(() -> new EmfMetrics("cost observatory", lines::add))
                .hasMessageContaining("not a CloudWatch namespace");
    }
}
