package org.costobservatory.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.costobservatory.log.Secrets;
import org.junit.jupiter.api.Test;

class StaticAdminKeyTest {

    @Test
    void registersTheKeySoItIsRedactedEverywhereAndNeverShowsIt() {
        // GIVEN a key, with the trailing newline a file-based variable often has
        String key = "sk-ant-admin01-static-" + UUID.randomUUID();

        // WHEN a static key source is built from it
        StaticAdminKey source = new StaticAdminKey(key + "\n");

        // THEN it sends the stripped key, has nothing to refresh, hides it in toString, and redaction knows it
        assertThat(source.current()).isEqualTo(key);
        assertThat(source.refreshAfterUnauthorized()).isEmpty();
        assertThat(source.toString()).doesNotContain(key);
        assertThat(Secrets.redact("key=" + key)).isEqualTo("key=[REDACTED]");
    }

    @Test
    void refusesABlankKeyOrOneThatCannotBeAHeaderWithoutEchoingIt() {
        // GIVEN blank and multi-line values, THEN they are refused and the message does not contain them
        assertThatThrownBy(() -> new StaticAdminKey("   ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> new StaticAdminKey(null)).isInstanceOf(IllegalArgumentException.class);
        String split = "sk-ant-admin01-half\nsk-ant-admin01-other-half";
        assertThatThrownBy(() -> new StaticAdminKey(split)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("half");
    }

    @Test
    void readsAnthropicAdminKeyFromTheEnvironmentNamingTheVariableWhenMissing() {
        // GIVEN the variable set, THEN its value; GIVEN it missing, THEN a message naming it
        assertThat(StaticAdminKey.fromEnv(Map.of("ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-from-env-000"))
                .current()).isEqualTo("sk-ant-admin01-from-env-000");
        assertThatThrownBy(() -> StaticAdminKey.fromEnv(Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ANTHROPIC_ADMIN_KEY");
    }
}
