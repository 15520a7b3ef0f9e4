package org.costobservatory.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The promise behind the forecast: on both backtest organisations, at each of days 7, 14 and 21, the chosen method's
 * mean absolute percentage error is below the plain run rate's, and its 80 % interval holds the actual month end
 * about as often as it says. The figures themselves are printed by {@code scripts/bench-forecast.sh}.
 */
class ForecastBacktestTest {

    @Test
    void theChosenMethodBeatsTheRunRateOnBothOrganisations() {
        ForecastBacktest backtest = new ForecastBacktest();
        for (ForecastBacktest.Organisation organisation : List.of(ForecastBacktest.demo(),
                new ForecastBacktest.SyntheticOrganisation())) {
            List<ForecastBacktest.Point> points = backtest.run(organisation);
            assertThat(points).hasSize(organisation.scopes().size() * 10 * 3);
            for (int day : ForecastBacktest.DAYS) {
                ForecastBacktest.Summary summary = ForecastBacktest.Summary.of(organisation.name() + " day " + day,
                        points.stream().filter(p -> p.day() == day).toList());
                assertThat(summary.chosenMape()).as(summary.series()).isLessThan(summary.runRateMape());
            }
            ForecastBacktest.Summary all = ForecastBacktest.Summary.of(organisation.name(), points);
            assertThat(all.chosenMape()).as(all.series()).isLessThan(all.runRateMape() * 0.75);
            assertThat(all.coverage()).as("%s: share of actuals inside the 80 %% interval", all.series())
                    .isBetween(65.0, 95.0);
            assertThat(points).allMatch(p -> p.low() <= p.chosen() && p.chosen() <= p.high());
        }
    }
}
