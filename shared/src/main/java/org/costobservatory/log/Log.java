package org.costobservatory.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.costobservatory.json.Json;

/**
 * Structured logging: one JSON object per line on standard output, which Lambda's JSON log format and CloudWatch
 * Logs Insights read as fields. Every line passes through {@link Secrets#redact(String)} so that a registered secret
 * (the admin key) can never reach a log, whatever a caller passes in.
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static final ObjectMapper JSON = Json.mapper();
    private static final CopyOnWriteArrayList<Consumer<String>> SINKS = new CopyOnWriteArrayList<>();
    private static volatile Consumer<String> out = System.out::println;
    private static volatile Level threshold = levelFromEnv();
    private static volatile Clock clock = Clock.systemUTC();

    private final String logger;

    private Log(String logger) {
        this.logger = logger;
    }

    public static Log get(Class<?> type) {
        return new Log(type.getSimpleName());
    }

    public void debug(String message, Object... fields) {
        write(Level.DEBUG, message, null, fields);
    }

    public void info(String message, Object... fields) {
        write(Level.INFO, message, null, fields);
    }

    public void warn(String message, Object... fields) {
        write(Level.WARN, message, null, fields);
    }

    public void error(String message, Throwable error, Object... fields) {
        write(Level.ERROR, message, error, fields);
    }

    private void write(Level level, String message, Throwable error, Object... fields) {
        if (level.ordinal() < threshold.ordinal()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", clock.instant().toString());
        line.put("level", level.name());
        line.put("logger", logger);
        line.put("message", message);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.put(String.valueOf(fields[i]), fields[i + 1] == null ? null : fieldValue(fields[i + 1]));
        }
        if (error != null) {
            line.put("error_type", error.getClass().getSimpleName());
            line.put("error", String.valueOf(error.getMessage()));
        }
        String text;
        try {
            text = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            text = "{\"level\":\"ERROR\",\"message\":\"unloggable line\"}";
        }
        String safe = Secrets.redact(text);
        out.accept(safe);
        for (Consumer<String> sink : SINKS) {
            sink.accept(safe);
        }
    }

    private static Object fieldValue(Object value) {
        if (value instanceof Number || value instanceof Boolean || value instanceof Map<?, ?>
                || value instanceof java.util.Collection<?>) {
            return value;
        }
        return String.valueOf(value);
    }

    /** Adds a listener that sees every line after redaction (tests scan it; local mode may tee it). */
    public static AutoCloseable addSink(Consumer<String> sink) {
        SINKS.add(Objects.requireNonNull(sink));
        return () -> SINKS.remove(sink);
    }

    /** Replaces standard output as the primary destination (the local CLI keeps its terminal clean). */
    public static void setOutput(Consumer<String> destination) {
        out = Objects.requireNonNull(destination);
    }

    public static void setLevel(Level level) {
        threshold = Objects.requireNonNull(level);
    }

    private static Level levelFromEnv() {
        String value = System.getenv("LOG_LEVEL");
        if (value == null || value.isBlank()) {
            return Level.INFO;
        }
        try {
            return Level.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }
}
