package org.costobservatory.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration fails at start-up naming the variable that is missing or malformed. */
class ConfigTest {
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("TABLE_NAME", "observatory");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        Config config = Config.fromEnv(env());

        assertThat(config.tableName()).isEqualTo("observatory");
        assertThat(config.adminBaseUrl()).isEqualTo(URI.create("https://api.anthropic.com"));
        assertThat(config.costLookbackDays()).isEqualTo(3);
        assertThat(config.usageLookbackHours()).isEqualTo(3);
        assertThat(config.usagePageHours()).isEqualTo(24);
        assertThat(config.staleAfter()).isEqualTo(Duration.ofMinutes(180));
        assertThat(config.alertLease()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.deadlineMargin()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.priceTableFile()).isEmpty();
        assertThat(config.adminKey()).isEmpty();
        assertThat(config.alertTopicArn()).isEmpty();
        assertThat(config.runClassDefaultUsd()).isEqualByComparingTo("1.00");
        assertThat(config.anomalyFloorUsd()).isEqualByComparingTo("10");
    }

    @Test
    void everyVariableIsRead() {
        Config config = Config.fromEnv(env("ANTHROPIC_ADMIN_BASE_URL", "https://proxy.example.com/anthropic",
                "ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-x", "ADMIN_KEY_PARAMETER", "/observatory/key",
                "ALERT_TOPIC_ARN", "arn:aws:sns:us-east-1:1:alerts", "COST_LOOKBACK_DAYS", "0",
                "USAGE_LOOKBACK_HOURS", "168", "USAGE_PAGE_HOURS", "1", "STALE_AFTER_MINUTES", " 60 ",
                "ALERT_LEASE_SECONDS", "86400", "PRICE_TABLE_FILE", "/etc/prices.json",
                "DEADLINE_MARGIN_SECONDS", "600", "RUN_CLASS_DEFAULT_USD", "2.75", "ANOMALY_FLOOR_USD", "2.50"));

        assertThat(config.adminBaseUrl()).isEqualTo(URI.create("https://proxy.example.com/anthropic"));
        assertThat(config.adminKey()).contains("sk-ant-admin01-x");
        assertThat(config.adminKeyParameter()).contains("/observatory/key");
        assertThat(config.alertTopicArn()).contains("arn:aws:sns:us-east-1:1:alerts");
        assertThat(config.costLookbackDays()).isZero();
        assertThat(config.usageLookbackHours()).isEqualTo(168);
        assertThat(config.usagePageHours()).isEqualTo(1);
        assertThat(config.staleAfter()).isEqualTo(Duration.ofMinutes(60));
        assertThat(config.alertLease()).isEqualTo(Duration.ofDays(1));
        assertThat(config.priceTableFile()).contains(Path.of("/etc/prices.json"));
        assertThat(config.deadlineMargin()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.anomalyFloorUsd()).isEqualByComparingTo("2.50");
        assertThat(config.environment()).containsEntry("USAGE_PAGE_HOURS", "1");
        assertThat(config.runClassDefaultUsd()).isEqualByComparingTo("2.75");
    }

    @ParameterizedTest(name = "RUN_CLASS_DEFAULT_USD={0}")
    @ValueSource(strings = {"0", "-1", "1000001", "1e400", "1e-999999999", "0.0000001", "NaN", "two dollars"})
    void aRunClassDefaultOutsideItsBoundsIsNamed(String value) {
        assertThatThrownBy(() -> Config.fromEnv(env("RUN_CLASS_DEFAULT_USD", value)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("RUN_CLASS_DEFAULT_USD must be");
    }

    @Test
    void aMissingTableIsNamed() {
        assertThatThrownBy(() -> Config.fromEnv(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("TABLE_NAME is required but not set");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("TABLE_NAME", "  "))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("TABLE_NAME");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "COST_LOOKBACK_DAYS|32|COST_LOOKBACK_DAYS must be between 0 and 31, got 32",
            "COST_LOOKBACK_DAYS|-1|COST_LOOKBACK_DAYS must be between 0 and 31, got -1",
            "USAGE_LOOKBACK_HOURS|169|USAGE_LOOKBACK_HOURS must be between 0 and 168, got 169",
            "USAGE_PAGE_HOURS|0|USAGE_PAGE_HOURS must be between 1 and 168, got 0",
            "STALE_AFTER_MINUTES|three hours|STALE_AFTER_MINUTES must be a whole number, got 'three hours'",
            "ALERT_LEASE_SECONDS|0|ALERT_LEASE_SECONDS must be between 1 and 86400, got 0",
            "DEADLINE_MARGIN_SECONDS|1.5|DEADLINE_MARGIN_SECONDS must be a whole number, got '1.5'",
            "ANOMALY_FLOOR_USD|-1|ANOMALY_FLOOR_USD must be between 0 and 1000000 (US dollars), got -1",
            "ANOMALY_FLOOR_USD|10.001|ANOMALY_FLOOR_USD must have at most 2 decimal places (US dollars, whole cents), "
                    + "got '10.001'",
            "ANOMALY_FLOOR_USD|ten|ANOMALY_FLOOR_USD must be a number (US dollars, whole cents), got 'ten'"})
    void aMalformedNumberIsNamedWithItsRange(String name, String value, String message) {
        assertThatThrownBy(() -> Config.fromEnv(env(name, value))).isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://api.anthropic.com", "http://10.0.0.5:8080", "ftp://api.anthropic.com",
            "not a url", "https://", "http://127.evil.example.com"})
    void theAdminBaseUrlMustBeHttpsExceptToThisMachine(String url) {
        assertThatThrownBy(() -> Config.fromEnv(env("ANTHROPIC_ADMIN_BASE_URL", url)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ANTHROPIC_ADMIN_BASE_URL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080", "http://localhost:9000/prefix", "http://[::1]:8080",
            "https://api.anthropic.com"})
    void plainHttpIsAllowedOnlyToThisMachine(String url) {
        assertThat(Config.fromEnv(env("ANTHROPIC_ADMIN_BASE_URL", url)).adminBaseUrl()).isEqualTo(URI.create(url));
    }

    @Test
    void anIngestFunctionNeedsAKeySource() {
        assertThatThrownBy(() -> Config.fromEnv(env()).requireAdminKeySource()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ADMIN_KEY_PARAMETER").hasMessageContaining("ANTHROPIC_ADMIN_KEY");
        Config.fromEnv(env("ADMIN_KEY_PARAMETER", "/k")).requireAdminKeySource();
    }

    @Test
    void theTextFormNeverShowsTheKeyOrTheEnvironment() {
        String key = "sk-ant-admin01-" + "s".repeat(40);
        String text = Config.fromEnv(env("ANTHROPIC_ADMIN_KEY", key, "SLACK_WEBHOOK_URL",
                "https://hooks.slack.com/services/T/B/secret")).toString();

        assertThat(text).doesNotContain(key).doesNotContain("hooks.slack.com").contains("adminKey=(set)")
                .contains("table=observatory");
    }

    @Test
    void metricsAreOnUnlessTheStackSwitchedThemOff() {
        assertThat(Config.fromEnv(env()).metricsEnabled()).isTrue();
        assertThat(Config.fromEnv(env("METRICS_ENABLED", "true")).metricsEnabled()).isTrue();
        assertThat(Config.fromEnv(env("METRICS_ENABLED", "false")).metricsEnabled()).isFalse();
        assertThatThrownBy(() -> Config.fromEnv(env("METRICS_ENABLED", "no")).metricsEnabled())
                .isInstanceOf(ConfigException.class).hasMessageContaining("METRICS_ENABLED")
                .hasMessageContaining("'no'");
    }
}
