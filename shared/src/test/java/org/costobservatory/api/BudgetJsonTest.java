package org.costobservatory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetJsonTest {

    private static Budget parse(String name, String json) {
        return BudgetJson.fromJson(name, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void appliesDefaultsToAMinimalBudget() {
        Budget budget = parse("team-agents", "{\"limit_usd\": 100, \"period\": \"monthly\"}");
        assertThat(budget.limitUsd()).isEqualByComparingTo("100");
        assertThat(budget.timeZone().getId()).isEqualTo("UTC");
        assertThat(budget.scope()).isEqualTo(BudgetScope.ORGANISATION);
        assertThat(budget.thresholdsPercent()).containsExactly(new BigDecimal("50"), new BigDecimal("75"),
                new BigDecimal("100"));
        assertThat(budget.warnPercent()).isEqualByComparingTo("75");
    }

    @Test
    void readsEveryField() {
        Budget budget = parse("opus-default", """
                {"limit_usd": 250.5, "period": "weekly", "time_zone": "Europe/Berlin",
                 "scope": {"workspace_id": "default", "model": "claude-opus"},
                 "thresholds_percent": [25, 50, 87.5, 120], "warn_percent": 60}""");
        assertThat(budget.period()).isEqualTo(BudgetPeriod.WEEKLY);
        assertThat(budget.scope().workspaceId()).contains("default");
        assertThat(budget.scope().model()).contains("claude-opus");
        assertThat(budget.thresholdsPercent()).hasSize(4).last().isEqualTo(new BigDecimal("120"));
        assertThat(budget.warnPercent()).isEqualByComparingTo("60");
        assertThat(BudgetJson.toJson(budget).get("limit_usd").decimalValue()).isEqualByComparingTo("250.5");
    }

    @Test
    void theForecastAlertIsOnUnlessTheBudgetTurnsItOff() {
        assertThat(parse("a", "{\"limit_usd\": 10, \"period\": \"daily\"}").forecastAlert()).isTrue();
        Budget quiet = parse("a", "{\"limit_usd\": 10, \"period\": \"daily\", \"forecast_alert\": false}");
        assertThat(quiet.forecastAlert()).isFalse();
        assertThat(BudgetJson.toJson(quiet).get("forecast_alert").asBoolean(true)).isFalse();
        assertThat(BudgetJson.fromNode("a", BudgetJson.toJson(quiet)).forecastAlert()).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"period\": \"monthly\"}|limit_usd",
            "{\"limit_usd\": -1, \"period\": \"monthly\"}|limit_usd",
            "{\"limit_usd\": 0, \"period\": \"monthly\"}|limit_usd",
            "{\"limit_usd\": 10.001, \"period\": \"monthly\"}|limit_usd",
            "{\"limit_usd\": \"ten\", \"period\": \"monthly\"}|limit_usd",
            "{\"limit_usd\": 10}|period",
            "{\"limit_usd\": 10, \"period\": \"yearly\"}|period",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"time_zone\": \"Mars/Olympus\"}|time_zone",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"time_zone\": \"+02:00\"}|time_zone",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"thresholds_percent\": [75, 50]}|thresholds_percent",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"thresholds_percent\": [1,2,3,4,5,6,7,8,9,10,11]}|thresholds_percent",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"thresholds_percent\": [0]}|thresholds_percent",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"warn_percent\": -5}|warn_percent",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"scope\": {\"workspace_id\": \"prod\"}}|scope.workspace_id",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"scope\": {\"api_key_id\": \"key1\"}}|scope.api_key_id",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"scope\": {\"team\": \"x\"}}|scope.team",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"colour\": \"red\"}|colour",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"name\": \"other\"}|name",
            "{\"preset\": \"agent-sdk-platinum\"}|preset",
            "{\"preset\": \"agent-sdk-team\"}|seats",
            "{\"preset\": \"agent-sdk-pro\", \"limit_usd\": 5}|limit_usd",
            "{\"preset\": \"agent-sdk-team\", \"seats\": 2, \"limit_usd\": 100}|limit_usd",
            "{\"preset\": \"agent-sdk-pro\", \"period\": \"weekly\"}|period",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"reset_notice\": \"no\"}|reset_notice",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"reset_notice\": 0}|reset_notice",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"forecast_alert\": \"no\"}|forecast_alert",
            "{\"limit_usd\": 10, \"period\": \"daily\", \"forecast_alert\": 0}|forecast_alert",
            "[1, 2]|body"})
    void refusesAnInvalidBudgetNamingTheField(String json, String field) {
        assertThatThrownBy(() -> parse("budget", json)).isInstanceOfSatisfying(InvalidFieldException.class,
                e -> assertThat(e.field()).isEqualTo(field));
    }

    @ParameterizedTest
    @CsvSource({"Team", "team_agents", "''", "a-very-long-name-that-goes-on-and-on-and-on-well-past-sixty-four-chars"})
    void refusesBadNames(String name) {
        assertThatThrownBy(() -> parse(name, "{\"limit_usd\": 1, \"period\": \"daily\"}"))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("name"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"agent-sdk-pro,,20", "agent-sdk-max-5x,,100", "agent-sdk-max-20x,,200", "agent-sdk-team,7,700"})
    void presetsAreMonthlyCreditPools(String preset, Integer seats, String limit) {
        String json = "{\"preset\": \"" + preset + "\"" + (seats == null ? "" : ", \"seats\": " + seats) + "}";
        Budget budget = parse("pool", json);
        assertThat(budget.limitUsd()).isEqualByComparingTo(limit);
        assertThat(budget.period()).isEqualTo(BudgetPeriod.MONTHLY);
        assertThat(budget.preset()).contains(preset);
    }

    @Test
    void aPresetBudgetReadBackFromTheApiCanBePutAgain() {
        Budget pool = parse("pool", "{\"preset\": \"agent-sdk-team\", \"seats\": 3}");
        Budget again = BudgetJson.fromNode("pool", BudgetJson.toJson(pool));
        assertThat(again).isEqualTo(pool);
    }

    @Test
    void theResetNoticeIsOnUnlessTurnedOffAndSurvivesARoundTrip() {
        Budget loud = parse("loud", "{\"limit_usd\": 10, \"period\": \"daily\"}");
        Budget quiet = parse("quiet", "{\"limit_usd\": 10, \"period\": \"daily\", \"reset_notice\": false}");

        assertThat(loud.resetNotice()).isTrue();
        assertThat(quiet.resetNotice()).isFalse();
        assertThat(BudgetJson.toJson(quiet).get("reset_notice").asBoolean()).isFalse();
        assertThat(BudgetJson.fromNode("quiet", BudgetJson.toJson(quiet))).isEqualTo(quiet);
    }
}
