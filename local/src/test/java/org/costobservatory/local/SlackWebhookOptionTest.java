package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Slack webhook of local mode is a credential (anyone with the URL can post to the channel), so it comes from
 * the environment, never from the command line, where every user of the machine can read it ({@code ps}).
 */
class SlackWebhookOptionTest {
    private static final String WEBHOOK = "https://hooks.slack.com/services/T000/B000/s3cr3tT0k3n";

    private static Observatory observatory(Map<String, String> env) {
        PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Observatory(discard, discard, env, Clock.systemUTC());
    }

    @Test
    void serveTakesTheWebhookFromTheEnvironment() {
        Observatory.ServeOptions options = observatory(Map.of(Observatory.SLACK_WEBHOOK, WEBHOOK))
                .serveOptions(Observatory.Arguments.parse(new String[] {"serve", "--demo"}));
        assertThat(options.slackWebhook()).contains(URI.create(WEBHOOK));
        assertThat(observatory(Map.of()).serveOptions(Observatory.Arguments.parse(new String[] {"serve"}))
                .slackWebhook()).isEmpty();
    }

    @Test
    void theFlagIsRefusedAndPointsToTheVariableWithoutRepeatingTheUrl() {
        Observatory.Arguments arguments = Observatory.Arguments.parse(
                new String[] {"serve", "--demo", "--slack-webhook", WEBHOOK});
        assertThatThrownBy(() -> observatory(Map.of()).serveOptions(arguments))
                .isInstanceOf(LocalUsageException.class).hasMessageContaining("OBSERVATORY_SLACK_WEBHOOK")
                .hasMessageNotContaining("s3cr3tT0k3n");
    }

    @Test
    void aMalformedWebhookIsNamedButNotEchoed() {
        Observatory.Arguments arguments = Observatory.Arguments.parse(new String[] {"serve", "--demo"});
        assertThatThrownBy(() -> observatory(Map.of(Observatory.SLACK_WEBHOOK, "hooks.slack.com/services/s3cr3tT0k3n"))
                .serveOptions(arguments)).isInstanceOf(LocalUsageException.class)
                .hasMessage("OBSERVATORY_SLACK_WEBHOOK is not an http(s) URL");
    }

    @Test
    void theOptionsThatHoldTheWebhookNeverPrintIt() {
        Observatory.ServeOptions serve = observatory(Map.of(Observatory.SLACK_WEBHOOK, WEBHOOK))
                .serveOptions(Observatory.Arguments.parse(new String[] {"serve", "--demo"}));
        LocalRuntime.Options runtime = new LocalRuntime.Options(serve.dataDir(), java.util.Optional.empty(),
                java.util.Optional.empty(), true, serve.slackWebhook(), false);

        assertThat(serve.toString()).contains("slackWebhook=(set)").doesNotContain("s3cr3tT0k3n", "hooks.slack.com");
        assertThat(runtime.toString()).contains("slackWebhook=(set)").doesNotContain("s3cr3tT0k3n", "hooks.slack.com");
    }
}
