package org.costobservatory.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecimalsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "12.50, 12.5",
            "1E+3, 1000",
            "0.000, 0",
            "99999.999, 99999.999",
            "-4.1, -4.1",
            "100.1230000000000000000000, 100.123"})
    void aDecimalWithinItsBoundsComesBackPlain(String text, String expected) {
        BigDecimal value = Decimals.parse(text, 5, 3);

        assertThat(value.toPlainString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "1e-999999999|must have at most 3 decimal places",
            "1e999999999|must be less than 1e5",
            "0.1e-2147483647|must be a number",
            "1E+2147483647|must be less than 1e5",
            "100000|must be less than 1e5",
            "0.0001|must have at most 3 decimal places",
            "1234567890123456789012345|must have at most 24 significant digits",
            "twelve|must be a number"})
    void aDecimalOutsideItsBoundsIsRefusedWithTheRule(String text, String rule) {
        assertThatThrownBy(() -> Decimals.parse(text, 5, 3))
                .isInstanceOf(Decimals.OutOfBounds.class).hasMessage(rule);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"12.5", "3"})
    void wholeNumbersSayWhole(String text) {
        if (text.contains(".")) {
            assertThatThrownBy(() -> Decimals.parse(text, 5, 0)).hasMessage("must be a whole number");
        } else {
            assertThat(Decimals.parse(text, 5, 0)).isEqualByComparingTo("3");
        }
    }
}
