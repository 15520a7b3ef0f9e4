package org.costobservatory.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {
    /** 105 characters, like a real admin key. */
    private static final String KEY = ("sk-ant-admin01-Qw3rTy7uIoP1aSdF9gHjKl2ZxCvBnM4qWeRtYu8IoPaS5dFgHjKlZx6CvBnM"
            + "qWeRtYuIoPaSdFg0HjKlZxCvB-AAbbccddeeff").substring(0, 105);

    static {
        Secrets.register(KEY);
    }

    @Test
    void theWholeKeyIsMasked() {
        assertThat(KEY).hasSize(105);
        assertThat(Secrets.redact("key=" + KEY + ";")).isEqualTo("key=[REDACTED];");
    }

    @Test
    void anyRunOfSixteenCharactersOfTheKeyIsMaskedWhereverItStands() {
        // GIVEN texts holding the key's last 80 characters, its first 40, and 16 from its middle
        String tail = KEY.substring(25);
        String head = KEY.substring(0, 40);
        String middle = KEY.substring(50, 66);

        // THEN each run is masked, and the text around it is kept
        assertThat(Secrets.redact("body: " + tail)).isEqualTo("body: [REDACTED]");
        assertThat(Secrets.redact(head + "...")).isEqualTo("[REDACTED]...");
        assertThat(Secrets.redact("<" + middle + ">")).isEqualTo("<[REDACTED]>");
    }

    @Test
    void twoRunsApartAreMaskedApartAndShorterPiecesAreLeft() {
        String first = KEY.substring(20, 40);
        String second = KEY.substring(70, 90);
        assertThat(Secrets.redact(first + " and " + second)).isEqualTo("[REDACTED] and [REDACTED]");
        // 15 characters are ordinary text: the key's fixed prefix is one of them
        assertThat(Secrets.redact("keys start with sk-ant-admin01-")).isEqualTo("keys start with sk-ant-admin01-");
        assertThat(Secrets.redact(KEY.substring(40, 55))).isEqualTo(KEY.substring(40, 55));
    }
}
