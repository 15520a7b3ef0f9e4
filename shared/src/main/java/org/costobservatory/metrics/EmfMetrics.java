package org.costobservatory.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.costobservatory.log.Log;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * {@link Metrics} as CloudWatch embedded metric format (EMF) documents, written with AWS's EMF library, one JSON
 * line each. In Lambda the lines go to standard output, where CloudWatch Logs turns them into metrics of the
 * namespace given (the template's {@code METRICS_NAMESPACE}, one per stack).
 *
 * <p>The environment is fixed here rather than detected: the library's detection would probe the EC2 and ECS
 * metadata endpoints, or fall back to a CloudWatch agent socket, wherever {@code AWS_LAMBDA_FUNCTION_NAME} is not
 * set. Every document names its dimensions explicitly, so none of the library's default dimensions (log group,
 * service name) are added.
 *
 * <p>The metrics and their dimensions (the template's dashboard and alarms use exactly these):
 * <ul>
 *   <li>{@code Budget}: {@code SpentUsd}, {@code LimitUsd}, {@code PercentUsed} and, where holds exist,
 *       {@code HeldUsd}, after every ingest run;</li>
 *   <li>{@code Report} ({@code cost} or {@code usage}): {@code Rows}, {@code Buckets}, {@code DurationMs} per run
 *       that stored its window;</li>
 *   <li>no dimension: {@code DataLagMinutes} after every ingest run, failed ones too;</li>
 *   <li>{@code Decision} ({@code allow}, {@code warn}, {@code deny}): {@code HeadroomCalls}, and no dimension:
 *       {@code HeadroomLatencyMs}, per answered headroom call.</li>
 * </ul>
 * Dollars become doubles only here, because that is all CloudWatch stores; nothing reads them back.
 */
public final class EmfMetrics implements Metrics {
    private static final Log LOG = Log.get(EmfMetrics.class);
    /** What CloudWatch accepts as a namespace (and never one beginning with "AWS/"). */
    private static final Pattern NAMESPACE = Pattern.compile("^(?!AWS/)[A-Za-z0-9.\\-_/#:]{1,255}$");

    private final String namespace;
    private final Environment environment;

    /**
     * @param namespace the CloudWatch namespace of every metric
     * @param lines     where each EMF document goes, one line each (standard output in Lambda)
     */
    public EmfMetrics(String namespace, Consumer<String> lines) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("metrics namespace '" + namespace + "' is not a CloudWatch namespace "
                    + "(1 to 255 of A-Z a-z 0-9 . - _ / # :, not starting with AWS/)");
        }
        this.namespace = namespace;
        this.environment = new FixedEnvironment(Objects.requireNonNull(lines));
    }

    public String namespace() {
        return namespace;
    }

    /**
     * Loads the library and builds its JSON serialisers by writing one document of every kind to nowhere. The first
     * documents cost a few hundred milliseconds of class loading and reflection; the functions call this at init, so
     * that cost is in the SnapStart snapshot (budget-check) or the init phase, not in the first answer.
     */
    public EmfMetrics prime() {
        EmfMetrics nowhere = new EmfMetrics(namespace, line -> {
        });
        nowhere.headroomCall("allow", Duration.ZERO);
        nowhere.budget("prime", BigDecimal.ZERO, BigDecimal.ONE, BigDecimal.ZERO, Optional.of(BigDecimal.ZERO));
        nowhere.ingestRun("usage", 0, 0, Duration.ZERO);
        nowhere.dataLag(Duration.ZERO);
        return this;
    }

    @Override
    public void budget(String budget, BigDecimal spentUsd, BigDecimal limitUsd, BigDecimal percentUsed,
                       Optional<BigDecimal> heldUsd) {
        emit("budget", logger -> {
            logger.setDimensions(DimensionSet.of("Budget", budget));
            logger.putMetric("SpentUsd", spentUsd.doubleValue(), Unit.NONE);
            logger.putMetric("LimitUsd", limitUsd.doubleValue(), Unit.NONE);
            logger.putMetric("PercentUsed", percentUsed.doubleValue(), Unit.PERCENT);
            heldUsd.ifPresent(held -> logger.putMetric("HeldUsd", held.doubleValue(), Unit.NONE));
        });
    }

    @Override
    public void ingestRun(String report, long rows, int buckets, Duration duration) {
        emit("ingest run", logger -> {
            logger.setDimensions(DimensionSet.of("Report", report));
            logger.putMetric("Rows", rows, Unit.COUNT);
            logger.putMetric("Buckets", buckets, Unit.COUNT);
            logger.putMetric("DurationMs", duration.toMillis(), Unit.MILLISECONDS);
        });
    }

    @Override
    public void dataLag(Duration lag) {
        emit("data lag", logger -> {
            logger.setDimensions(new DimensionSet());
            logger.putMetric("DataLagMinutes", lag.toSeconds() / 60.0, Unit.NONE);
        });
    }

    @Override
    public void headroomCall(String decision, Duration latency) {
        // Two documents, so each metric exists once: calls by decision, latency of every call together.
        emit("headroom call", logger -> {
            logger.setDimensions(DimensionSet.of("Decision", decision));
            logger.putMetric("HeadroomCalls", 1, Unit.COUNT);
        });
        emit("headroom latency", logger -> {
            logger.setDimensions(new DimensionSet());
            logger.putMetric("HeadroomLatencyMs", latency.toNanos() / 1_000_000.0, Unit.MILLISECONDS);
        });
    }

    /** A metric that cannot be written is logged, never thrown: it must not fail the run or the answer. */
    private void emit(String what, Consumer<MetricsLogger> metrics) {
        try {
            MetricsLogger logger = new MetricsLogger(environment);
            logger.setNamespace(namespace);
            metrics.accept(logger);
            logger.flush();
        } catch (RuntimeException e) {
            LOG.warn("could not write a metric", "metric", what, "error_type", e.getClass().getSimpleName(),
                    "error", e.getMessage());
        }
    }

    /** Always the same sink; the library's environment names are never used, because every document sets dimensions. */
    private static final class FixedEnvironment implements Environment {
        private final ISink sink;

        FixedEnvironment(Consumer<String> lines) {
            this.sink = new ISink() {
                @Override
                public void accept(MetricsContext context) {
                    try {
                        for (String document : context.serialize()) {
                            lines.accept(document);
                        }
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("cannot serialise the metrics", e);
                    }
                }

                @Override
                public CompletableFuture<Void> shutdown() {
                    return CompletableFuture.completedFuture(null);
                }
            };
        }

        @Override
        public boolean probe() {
            return true;
        }

        @Override
        public String getName() {
            return "cost-observatory";
        }

        @Override
        public String getType() {
            return "AWS::Lambda::Function";
        }

        @Override
        public String getLogGroupName() {
            return "cost-observatory";
        }

        @Override
        public void configureContext(MetricsContext context) {
        }

        @Override
        public ISink getSink() {
            return sink;
        }
    }
}
