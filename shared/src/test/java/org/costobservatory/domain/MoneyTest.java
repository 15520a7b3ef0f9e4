package org.costobservatory.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Money rounding, each expectation written out by hand: half-up at every .xx5 (where a binary {@code double} would
 * round some down), negative amounts away from zero, and amounts too large for a {@code double} to hold to the cent.
 */
class MoneyTest {

    @ParameterizedTest(name = "{0} USD rounds to {1}")
    @CsvSource({
            "0.145, 0.15",
            "1.005, 1.01",
            "2.675, 2.68",
            "0.125, 0.13",
            "8.345, 8.35",
            "0.144999, 0.14",
            "0.005, 0.01",
            "0.004999999, 0.00",
            "-0.145, -0.15",
            "75.124, 75.12",
            "1234567890123.455, 1234567890123.46",
            "98765432109876543.215, 98765432109876543.22",
            "12, 12.00"
    })
    void usdRoundsHalfUpToWholeCents(String usd, String rounded) {
        BigDecimal result = Money.roundUsd(new BigDecimal(usd));
        assertThat(result.toPlainString()).isEqualTo(rounded);
    }

    @ParameterizedTest(name = "{0} cents show as {1} USD")
    @CsvSource({
            "14.5, 0.15",
            "100.5, 1.01",
            "267.5, 2.68",
            "7512.4, 75.12",
            "7512.5, 75.13",
            "0.4999, 0.00",
            "0.5, 0.01",
            "123456789012345.5, 1234567890123.46",
            "-14.5, -0.15"
    })
    void centsShowAsUsdRoundedHalfUp(String cents, String usd) {
        assertThat(Money.centsToRoundedUsd(new BigDecimal(cents)).toPlainString()).isEqualTo(usd);
    }

    @ParameterizedTest(name = "{0} USD reads {1}")
    @CsvSource(delimiter = '|', value = {
            "0.145 | $0.15",
            "1.005 | $1.01",
            "1234.5 | $1,234.50",
            "1234567890123.455 | $1,234,567,890,123.46",
            "-0.145 | -$0.15",
            "0 | $0.00",
            "-0.004 | $0.00"
    })
    void messagesShowRoundedDollars(String usd, String text) {
        assertThat(Money.format(new BigDecimal(usd))).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0} of {1} is {2} %")
    @CsvSource({
            "1, 3, 33.33",
            "2, 3, 66.67",
            "0.145, 1, 14.50",
            "1, 8, 12.50",
            "1, 800, 0.13",
            "75.12, 100, 75.12",
            "5, 0, 0.00"
    })
    void percentagesHaveTwoDecimalsRoundedHalfUp(String part, String whole, String percent) {
        assertThat(Money.percent(new BigDecimal(part), new BigDecimal(whole)).toPlainString()).isEqualTo(percent);
    }

    @ParameterizedTest(name = "{0} cents is {1} USD exactly")
    @CsvSource({"123.45, 1.2345", "527.999760, 5.27999760", "0.000001, 0.00000001"})
    void exactConversionsKeepEveryDigit(String cents, String usd) {
        assertThat(Money.centsToUsd(new BigDecimal(cents))).isEqualByComparingTo(usd);
        assertThat(Money.usdToCents(new BigDecimal(usd))).isEqualByComparingTo(cents);
    }
}
