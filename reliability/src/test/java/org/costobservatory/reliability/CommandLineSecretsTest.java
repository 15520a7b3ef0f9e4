package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A command line is visible to every user of the machine ({@code ps}), so no command the README tells an operator to
 * run carries a secret as an argument: the admin key goes to SSM on standard input, the Slack webhook of local mode
 * comes from the environment. (The engine's script is held to the same by {@code CheckHeadroomScriptTest}.)
 */
class CommandLineSecretsTest {
    private static final Path README = Path.of(System.getProperty("project.root", ".."), "README.md");
    private static final List<Pattern> SECRET_ARGUMENTS = List.of(
            Pattern.compile("--value\\s+\"?\\$"),          // aws ssm put-parameter --value "$ANTHROPIC_ADMIN_KEY"
            Pattern.compile("--slack-webhook\\s+\\S"),     // observatory serve --slack-webhook https://hooks...
            Pattern.compile("--user\\s+\\S"),              // curl --user KEY:SECRET
            Pattern.compile("x-amz-security-token:\\s*\\$"));

    @Test
    void noCommandInTheReadmePutsASecretOnItsCommandLine() throws Exception {
        List<String> commands = new ArrayList<>();
        boolean inShell = false;
        for (String line : Files.readAllLines(README)) {
            if (line.strip().startsWith("```")) {
                inShell = !inShell && line.strip().equals("```sh");
            } else if (inShell) {
                commands.add(line);
            }
        }
        assertThat(commands).as("shell lines in the README").hasSizeGreaterThan(10)
                .anySatisfy(line -> assertThat(line).contains("aws ssm put-parameter"));
        assertThat(commands).noneMatch(line -> SECRET_ARGUMENTS.stream().anyMatch(p -> p.matcher(line).find()));
    }
}
