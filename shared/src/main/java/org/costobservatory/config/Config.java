package org.costobservatory.config;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.Decimals;

/**
 * Configuration read from the environment once at start-up. Every variable is documented in the README's
 * configuration table; a missing or malformed value fails at init with a message naming it.
 *
 * @param environment the variables this configuration was read from; the AWS clients take their endpoints and
 *                    region from it, so a caller that passes a map (local mode, tests) needs no process environment
 */
public record Config(String tableName, URI adminBaseUrl, Optional<String> adminKey,
                     Optional<String> adminKeyParameter, Optional<String> alertTopicArn, int costLookbackDays,
                     int usageLookbackHours, int usagePageHours, Duration staleAfter, Duration alertLease,
                     Optional<Path> priceTableFile, Duration deadlineMargin, BigDecimal runClassDefaultUsd,
                     BigDecimal anomalyFloorUsd, Map<String, String> environment) {

    public static final String TABLE_NAME = "TABLE_NAME";
    public static final String ADMIN_BASE_URL = "ANTHROPIC_ADMIN_BASE_URL";
    public static final String ADMIN_KEY = "ANTHROPIC_ADMIN_KEY";
    public static final String ADMIN_KEY_PARAMETER = "ADMIN_KEY_PARAMETER";
    public static final String ALERT_TOPIC_ARN = "ALERT_TOPIC_ARN";
    public static final String COST_LOOKBACK_DAYS = "COST_LOOKBACK_DAYS";
    public static final String USAGE_LOOKBACK_HOURS = "USAGE_LOOKBACK_HOURS";
    public static final String USAGE_PAGE_HOURS = "USAGE_PAGE_HOURS";
    public static final String STALE_AFTER_MINUTES = "STALE_AFTER_MINUTES";
    public static final String ALERT_LEASE_SECONDS = "ALERT_LEASE_SECONDS";
    public static final String PRICE_TABLE_FILE = "PRICE_TABLE_FILE";
    public static final String DEADLINE_MARGIN_SECONDS = "DEADLINE_MARGIN_SECONDS";
    public static final String RUN_CLASS_DEFAULT_USD = "RUN_CLASS_DEFAULT_USD";
    public static final String DRIFT_ALERT_PERCENT = "DRIFT_ALERT_PERCENT";
    public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";
    public static final String METRICS_ENABLED = "METRICS_ENABLED";
    public static final String ANOMALY_FLOOR_USD = "ANOMALY_FLOOR_USD";
    /** A doubling below this much a day is not worth a message (README, "Anomalies"). */
    public static final BigDecimal DEFAULT_ANOMALY_FLOOR_USD = BigDecimal.TEN;

    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    public static final String DEFAULT_METRICS_NAMESPACE = "CostObservatory";

    public static Config fromEnv() {
        return fromEnv(System.getenv());
    }

    public Config {
        environment = Map.copyOf(environment);
    }

    public static Config fromEnv(Map<String, String> env) {
        return new Config(
                required(env, TABLE_NAME),
                url(env, ADMIN_BASE_URL, DEFAULT_BASE_URL),
                optional(env, ADMIN_KEY),
                optional(env, ADMIN_KEY_PARAMETER),
                optional(env, ALERT_TOPIC_ARN),
                integer(env, COST_LOOKBACK_DAYS, 3, 0, 31),
                integer(env, USAGE_LOOKBACK_HOURS, 3, 0, 168),
                integer(env, USAGE_PAGE_HOURS, 24, 1, 168),
                Duration.ofMinutes(integer(env, STALE_AFTER_MINUTES, 180, 1, 7 * 24 * 60)),
                Duration.ofSeconds(integer(env, ALERT_LEASE_SECONDS, 300, 1, 86_400)),
                optional(env, PRICE_TABLE_FILE).map(Path::of),
                Duration.ofSeconds(integer(env, DEADLINE_MARGIN_SECONDS, 20, 0, 600)),
                usd(env, RUN_CLASS_DEFAULT_USD, new BigDecimal("1.00")),
                dollars(env, ANOMALY_FLOOR_USD, DEFAULT_ANOMALY_FLOOR_USD),
                env);
    }

    /**
     * How far (in percent of the bill, and never for less than $1) a settled day's provisional figure may be off
     * before a drift notice goes out: {@code DRIFT_ALERT_PERCENT}, default 5, from 0 to 1000 with at most two
     * decimals. Read from {@link #environment()}; {@code Components} reads it at start-up, so a bad value fails there.
     */
    public BigDecimal driftAlertPercent() {
        Optional<String> value = optional(environment, DRIFT_ALERT_PERCENT);
        if (value.isEmpty()) {
            return BigDecimal.valueOf(5);
        }
        try {
            BigDecimal percent = new BigDecimal(value.get());
            if (percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(1000)) > 0
                    || percent.stripTrailingZeros().scale() > 2) {
                throw new NumberFormatException("out of range");
            }
            return percent;
        } catch (NumberFormatException e) {
            throw new ConfigException(DRIFT_ALERT_PERCENT + " must be a percentage from 0 to 1000 with at most two "
                    + "decimals, got '" + value.get() + "'");
        }
    }

    /**
     * The CloudWatch namespace of the functions' metrics; the template gives each stack its own
     * ({@code CostObservatory/<stack>}) so two stacks in one account and region keep their figures apart.
     */
    public String metricsNamespace() {
        String namespace = optional(environment, METRICS_NAMESPACE).orElse(DEFAULT_METRICS_NAMESPACE);
        if (!namespace.matches("(?!AWS/)[A-Za-z0-9.\\-_/#:]{1,255}")) {
            throw new ConfigException(METRICS_NAMESPACE + " must be 1 to 255 of A-Z a-z 0-9 . - _ / # : and not start "
                    + "with AWS/, got '" + namespace + "'");
        }
        return namespace;
    }

    /**
     * Whether the functions write their CloudWatch metrics: {@code METRICS_ENABLED}, {@code true} (the default) or
     * {@code false}. The template's {@code OperatorMetrics} sets it, because each metric is billed by the month.
     */
    public boolean metricsEnabled() {
        Optional<String> value = optional(environment, METRICS_ENABLED);
        if (value.isEmpty() || "true".equals(value.get())) {
            return true;
        }
        if ("false".equals(value.get())) {
            return false;
        }
        throw new ConfigException(METRICS_ENABLED + " must be true or false, got '" + value.get() + "'");
    }

    /** Ingest runs need the admin key from one of two places; fail at init if neither is set. */
    public void requireAdminKeySource() {
        if (adminKey.isEmpty() && adminKeyParameter.isEmpty()) {
            throw new ConfigException("set " + ADMIN_KEY_PARAMETER + " (the SSM SecureString parameter holding the "
                    + "admin key) or, for local runs, " + ADMIN_KEY);
        }
    }

    private static String required(Map<String, String> env, String name) {
        return optional(env, name).orElseThrow(() -> new ConfigException(name + " is required but not set"));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** The admin key travels to this URL, so it must be https; plain http is allowed only to this machine. */
    private static URI url(Map<String, String> env, String name, String fallback) {
        String value = optional(env, name).orElse(fallback);
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(name + " is not a valid URL: '" + value + "'");
        }
        if (uri.getHost() == null || !"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new ConfigException(name + " must be an https URL, got '" + value + "'");
        }
        if ("http".equals(uri.getScheme()) && !isLoopback(uri.getHost())) {
            throw new ConfigException(name + " must use https (the admin key is sent to it); plain http is "
                    + "allowed only to 127.0.0.1, ::1 or localhost, got '" + value + "'");
        }
        return uri;
    }

    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equals("localhost") || bare.equals("::1") || bare.equals("0:0:0:0:0:0:0:1")
                || bare.matches("127(\\.\\d{1,3}){3}");
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        Optional<String> value = optional(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + value.get() + "'");
        }
    }

    /** Whole cents from 0 to 1,000,000. */
    private static BigDecimal dollars(Map<String, String> env, String name, BigDecimal fallback) {
        Optional<String> value = optional(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            BigDecimal parsed = Decimals.parse(value.get(), 7, 2);
            if (parsed.signum() < 0 || parsed.compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
                throw new ConfigException(name + " must be between 0 and 1000000 (US dollars), got " + value.get());
            }
            return parsed;
        } catch (Decimals.OutOfBounds e) {
            throw new ConfigException(name + " " + e.getMessage() + " (US dollars, whole cents), got '"
                    + value.get() + "'");
        }
    }

    /** An amount of US dollars, more than 0 and at most 1,000,000, with at most 6 decimals. */
    private static BigDecimal usd(Map<String, String> env, String name, BigDecimal fallback) {
        Optional<String> value = optional(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        BigDecimal parsed;
        try {
            parsed = Decimals.parse(value.get(), 7, 6);
        } catch (Decimals.OutOfBounds e) {
            throw new ConfigException(name + " must be an amount of US dollars such as 2.50 (" + e.getMessage()
                    + "), got '" + value.get() + "'");
        }
        if (parsed.signum() <= 0 || parsed.compareTo(new BigDecimal("1000000")) > 0) {
            throw new ConfigException(name + " must be more than 0 and at most 1000000, got '" + value.get() + "'");
        }
        return parsed;
    }

    /** Names the settings only; the admin key and the environment it came from are never printed. */
    @Override
    public String toString() {
        return "Config[table=" + tableName + ", adminBaseUrl=" + adminBaseUrl + ", adminKey="
                + (adminKey.isPresent() ? "(set)" : "(not set)") + ", adminKeyParameter="
                + adminKeyParameter.orElse("(not set)") + ", alertTopicArn=" + alertTopicArn.orElse("(not set)")
                + ", costLookbackDays=" + costLookbackDays + ", usageLookbackHours=" + usageLookbackHours
                + ", usagePageHours=" + usagePageHours + ", staleAfter=" + staleAfter + ", alertLease=" + alertLease
                + ", priceTableFile=" + priceTableFile.map(Path::toString).orElse("(bundled)")
                + ", deadlineMargin=" + deadlineMargin + ", runClassDefaultUsd=" + runClassDefaultUsd.toPlainString()
                + ", anomalyFloorUsd=" + anomalyFloorUsd.toPlainString() + "]";
    }
}
