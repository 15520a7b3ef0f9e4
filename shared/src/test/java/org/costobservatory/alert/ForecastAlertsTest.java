package org.costobservatory.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.anthropic.MutableClock;
import org.costobservatory.budget.Forecast;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.HeadroomService;
import org.costobservatory.budget.Spend;
import org.costobservatory.config.Config;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.dynamodb.DynamoDbNoticeStore;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.MotoServer;
import org.costobservatory.testing.SeededTable;
import org.costobservatory.wiring.Components;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forecast warning: once per (budget, period) when the forecast first reaches the limit while spend is below it,
 * through the real ingest follow-up on DynamoDB Local and moto_server SNS→SQS; off for a budget that says so.
 */
class ForecastAlertsTest {
    private final MutableClock clock = MutableClock.at("2026-11-15T02:40:00Z");
    private AlertInbox inbox;
    private String table;

    @BeforeEach
    void setUp() {
        inbox = new AlertInbox(MotoServer.shared());
        table = DynamoDbLocal.shared().newTable();
    }

    @AfterEach
    void tearDown() {
        inbox.close();
    }

    private Components components() {
        return Components.builder(Config.fromEnv(Map.of("TABLE_NAME", table))).dynamo(DynamoDbLocal.shared().client())
                .clock(clock).alertPublisher(inbox.publisher()).build();
    }

    private static Budget budget(String name, String limit, boolean forecastAlert) {
        return new Budget(name, new BigDecimal(limit), BudgetPeriod.MONTHLY, ZoneId.of("UTC"),
                BudgetScope.ORGANISATION, List.of(new BigDecimal("1000")), Budget.DEFAULT_WARN_PERCENT,
                Optional.empty(), Optional.empty(), Optional.empty(), true, forecastAlert);
    }

    private List<JsonNode> forecasts() {
        return inbox.drain().stream().filter(envelope -> "forecast".equals(AlertInbox.attribute(envelope, "kind")))
                .toList();
    }

    @Test
    void theForecastWarningIsSentOncePerBudgetAndPeriodWithTheProjectedDate() {
        // GIVEN $100 a day, all at noon, for the first two weeks of November: $1,400 spent, $3,000 forecast
        Components components = components();
        SeededTable seeded = new SeededTable(components, clock.instant());
        for (LocalDate day = LocalDate.parse("2026-11-01"); day.isBefore(LocalDate.parse("2026-11-15"));
             day = day.plusDays(1)) {
            Instant noon = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(12 * 3600);
            seeded.usageHour(noon, List.of(SeededTable.row(noon, "wrkspc_A", "apikey_A", "claude-opus-4-6",
                    "standard", 20_000_000, 0, 0, 0, 0)));
            seeded.settle(day);
        }
        seeded.watermarks(LocalDate.parse("2026-11-12"), LocalDate.parse("2026-11-14"),
                Instant.parse("2026-11-15T00:00:00Z"));
        components.budgets().put(budget("team", "2500", true));
        components.budgets().put(budget("quiet", "2500", false));
        components.budgets().put(budget("roomy", "5000", true));

        // WHEN every ingest run evaluates the budgets, three runs in a row, and another container as well
        int sent = components.budgetAlerts().run() + components.budgetAlerts().run() + components().budgetAlerts()
                .run();

        // THEN one warning, for team, naming when $2,500 is reached: the noon hour of the 25th
        List<JsonNode> delivered = forecasts();
        assertThat(sent).isEqualTo(1);
        assertThat(delivered).hasSize(1);
        JsonNode warning = delivered.get(0);
        assertThat(AlertInbox.attribute(warning, "budget")).isEqualTo("team");
        assertThat(warning.path("Subject").asText()).isEqualTo(
                "[Cost Observatory] team forecast $3,000.00 of $2,500.00 \u2014 runs out 2026-11-25");
        String body = warning.path("Message").asText();
        assertThat(body).contains("Runs out:     2026-11-25 13:00 (UTC)").contains("Spent so far: $1,400.00")
                .contains("weekday rhythm and recent trend of 14 complete days").contains("\"forecast_alert\": false");
        HeadroomAnswer answer = components.headroom().answer(components.budgets().get("team").orElseThrow(),
                BigDecimal.ZERO);
        assertThat(answer.forecast().exhaustedAt()).contains(Instant.parse("2026-11-25T13:00:00Z"));
        assertThat(components.notices().list("forecast#")).extracting(n -> n.key())
                .containsExactly("forecast#team#2026-11-01T00:00:00Z");
    }

    /** An answer for a $100 monthly budget with {@code spent} and a run-rate forecast of $150. */
    private static HeadroomAnswer answer(String spent, Instant dataAsOf, String method) {
        Budget budget = budget("early", "100", true);
        Spend spend = new Spend(budget.currentPeriod(dataAsOf), new BigDecimal(spent).movePointRight(2),
                BigDecimal.ZERO, BigDecimal.ZERO, Optional.empty(), Optional.of(dataAsOf), Spend.BASIS_COST_REPORT,
                List.of(), false);
        Forecast forecast = new Forecast(method, Optional.of(new BigDecimal("150.00")),
                Optional.of(new BigDecimal("120.00")), Optional.of(new BigDecimal("180.00")),
                Optional.of(dataAsOf.plus(Duration.ofDays(5))), 3);
        return HeadroomService.decide(budget, spend, BigDecimal.ZERO, dataAsOf, Duration.ofHours(3))
                .withForecast(forecast);
    }

    /** Forecast warnings as a run evaluates them, through once-only notices on the test's table and topic. */
    private ForecastAlerts forecastAlerts(Components components) {
        OnceNotices notices = new OnceNotices(new DynamoDbNoticeStore(DynamoDbLocal.shared().client(), table),
                inbox.publisher(), clock, Duration.ofMinutes(5));
        return new ForecastAlerts(notices, components.alerts());
    }

    /** The period's alert at {@code threshold} % as sent on the 3rd. */
    private static void markSent(Components components, HeadroomAnswer answer, int threshold) {
        Instant at = Instant.parse("2026-11-03T00:00:00Z");
        List<AlertRecord> claims = List.of(new AlertRecord(answer.budget().name(), answer.period().key(),
                answer.period().startText(), answer.period().endText(), "UTC", BigDecimal.valueOf(threshold),
                AlertRecord.CLAIMED, "owner", at.plusSeconds(300), at, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        components.alerts().claim(claims, at);
        components.alerts().markSent(claims, "owner", "message-0", "subject", at);
    }

    @Test
    void noWarningAfterTheLimitItselfAlertedInThePeriodEvenWhenSpendIsRestatedBelowIt() {
        // GIVEN the period's 100 % alert went out, and spend was then restated to 60 % with a forecast above the limit
        Components components = components();
        ForecastAlerts alerts = forecastAlerts(components);
        HeadroomAnswer restated = answer("60", Instant.parse("2026-11-05T00:00:00Z"), Forecast.WEEKLY_TREND);
        markSent(components, restated, 100);

        // WHEN the forecast is evaluated, THEN nothing is sent: the limit was already announced as reached
        assertThat(alerts.evaluate(restated)).isZero();
    }

    @Test
    void aLowerThresholdsAlertDoesNotSilenceTheWarning() {
        // GIVEN only the 50 % alert went out this period, and the forecast runs past the limit
        Components components = components();
        ForecastAlerts alerts = forecastAlerts(components);
        HeadroomAnswer answer = answer("60", Instant.parse("2026-11-05T00:00:00Z"), Forecast.WEEKLY_TREND);
        markSent(components, answer, 50);

        // THEN the warning that the limit will be reached goes out
        assertThat(alerts.evaluate(answer)).isEqualTo(1);
        assertThat(forecasts()).hasSize(1);
    }

    @Test
    void aRunRateWarnsOnlyOnceItCoversAQuarterOfThePeriodAndNeverOnceTheLimitIsSpent() {
        ForecastAlerts alerts = forecastAlerts(components());

        assertThat(alerts.evaluate(answer("10", Instant.parse("2026-11-05T00:00:00Z"), Forecast.RUN_RATE)))
                .as("4 of 30 days covered").isZero();
        assertThat(alerts.evaluate(answer("100", Instant.parse("2026-11-12T00:00:00Z"), Forecast.RUN_RATE)))
                .as("spend has reached the limit").isZero();
        assertThat(alerts.evaluate(answer("60", Instant.parse("2026-11-05T00:00:00Z"), Forecast.WEEKLY_TREND)))
                .as("a forecast from a week of history counts at once").isEqualTo(1);
        assertThat(forecasts()).hasSize(1);
    }
}
