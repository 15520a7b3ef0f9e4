package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's test command, {@code scripts/verify}, on a clean clone of this repository and a machine whose PATH
 * holds only a shell and a few core utilities: it installs what the tests need where it may, names the exact command
 * where it may not, and then runs every test. The package manager, {@code sudo}, {@code id}, {@code python3} (with the
 * virtual environment it makes), {@code java} and {@code mvn} are stubs that record what they were asked to do and
 * "install" by creating executables, so nothing is really installed and no test runs twice.
 */
class FreshMachineTest {
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    /** The real programs the script and the stubs may use; anything else is absent unless a test provides it. */
    private static final List<String> BASICS = List.of("bash", "env", "dirname", "rm", "mkdir", "cp", "true");
    private static final List<String> TOOLS = List.of("chromium", "curl", "moto_server", "cfn-lint");

    @TempDir
    Path work;

    private Path clone;
    private Path system;
    private Path stubs;
    private Path log;
    private Path environment;
    private Map<String, String> env;

    @BeforeEach
    void cloneAndStub() throws Exception {
        clone = work.resolve("clone");
        Process git = new ProcessBuilder("git", "clone", "--quiet", ROOT.toString(), clone.toString())
                .redirectErrorStream(true).start();
        assertThat(git.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as(new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        environment = clone.resolve(".tools/python");

        Path basics = Files.createDirectories(work.resolve("basics"));
        for (String name : BASICS) {
            Files.createSymbolicLink(basics.resolve(name), realProgram(name));
        }
        system = Files.createDirectories(work.resolve("system"));
        stubs = Files.createDirectories(work.resolve("stubs"));
        log = Files.createDirectories(work.resolve("log"));
        writeStubs(basics);
        install("java");
        install("mvn");

        env = new HashMap<>();
        env.put("PATH", system + ":" + basics);
        env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
        env.put("STUB_LOG", log.toString());
        env.put("STUB_SYSTEM", system.toString());
        env.put("STUB_STUBS", stubs.toString());
        env.put("STUB_UID", "0");
    }

    @Test
    void onAFreshMachineItInstallsWhatIsMissingAndRunsEveryTest() throws Exception {
        install("apt-get");
        install("python3");

        Result result = verify(work, clone.resolve("scripts/verify").toString(), "-o", "-Dtest.extra=yes");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(lines("apt-get")).containsExactly("uid=0 frontend=noninteractive install -y -q chromium curl");
        assertThat(system.resolve("chromium")).isExecutable();
        assertThat(lines("python3")).containsExactly("-m venv " + environment);
        assertThat(environment.resolve("bin/moto_server")).isExecutable();
        assertThat(environment.resolve("bin/cfn-lint")).isExecutable();
        assertThat(lines("cfn-lint")).containsExactly(clone + " template.yaml");
        assertThat(lines("mvn.args")).containsExactly("-B", "verify", "-o", "-Dtest.extra=yes");
        assertThat(lines("mvn.pwd")).containsExactly(clone.toString());
        assertThat(toolsMavenSaw()).containsEntry("chromium", system.resolve("chromium").toString())
                .containsEntry("curl", system.resolve("curl").toString())
                .containsEntry("moto_server", environment.resolve("bin/moto_server").toString())
                .containsEntry("cfn-lint", environment.resolve("bin/cfn-lint").toString());
        assertThat(git(clone, "status", "--porcelain")).as("the tool directory is ignored by git").isEmpty();
    }

    @Test
    void aLaterRunReusesTheProjectLocalEnvironmentFromAnyDirectory() throws Exception {
        install("apt-get");
        install("python3");
        assertThat(verify(work, clone.resolve("scripts/verify").toString()).exitCode()).isZero();
        clearLog();

        Result again = verify(clone.resolve("local"), "../scripts/verify");

        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(log.resolve("apt-get")).doesNotExist();
        assertThat(log.resolve("python3")).doesNotExist();
        assertThat(log.resolve("pip")).doesNotExist();
        assertThat(lines("mvn.args")).containsExactly("-B", "verify");
        assertThat(lines("mvn.pwd")).containsExactly(clone.toString());
        assertThat(toolsMavenSaw()).containsEntry("moto_server", environment.resolve("bin/moto_server").toString())
                .containsEntry("cfn-lint", environment.resolve("bin/cfn-lint").toString());
    }

    /** Its programs would point at the old place, so the environment is made again where the project now is. */
    @Test
    void aMovedProjectGetsAFreshEnvironment() throws Exception {
        install("chromium");
        install("curl");
        install("python3");
        assertThat(verify(work, clone.resolve("scripts/verify").toString()).exitCode()).isZero();
        Path moved = Files.move(clone, work.resolve("moved"));
        clearLog();

        Result result = verify(work, moved.resolve("scripts/verify").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(lines("python3")).containsExactly("-m venv " + moved.resolve(".tools/python"));
        assertThat(toolsMavenSaw()).containsEntry("moto_server", moved.resolve(".tools/python/bin/moto_server")
                .toString());
    }

    @Test
    void aUserWithPasswordlessSudoInstallsThroughSudo() throws Exception {
        install("apt-get");
        install("sudo");
        install("curl");
        install("moto_server");
        install("cfn-lint");
        env.put("STUB_UID", "1000");
        env.put("STUB_SUDO", "allowed");

        Result result = verify(work, clone.resolve("scripts/verify").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(lines("apt-get")).containsExactly("uid=0 frontend=noninteractive install -y -q chromium");
        assertThat(system.resolve("chromium")).isExecutable();
        assertThat(lines("mvn.args")).containsExactly("-B", "verify");
    }

    /** The command it names is the whole fix: run it (as an administrator would), and the next run passes. */
    @ParameterizedTest(name = "sudo present: {0}")
    @ValueSource(booleans = {true, false})
    void aUserWhoMayNotInstallPackagesIsToldTheExactCommand(boolean sudoPresent) throws Exception {
        install("apt-get");
        install("python3");
        if (sudoPresent) {
            install("sudo");
        }
        env.put("STUB_UID", "1000");
        env.put("STUB_SUDO", "password required");

        Result result = verify(work, clone.resolve("scripts/verify").toString());

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(log.resolve("apt-get")).as("apt-get was never run").doesNotExist();
        assertThat(system.resolve("chromium")).doesNotExist();
        assertThat(log.resolve("mvn.args")).as("mvn was never run").doesNotExist();
        assertThat(clone.resolve(".tools")).as("nothing was installed").doesNotExist();
        String named = result.commandNamed();
        assertThat(named).isEqualTo("sudo apt-get install -y chromium curl");

        install("sudo");
        env.put("STUB_SUDO", "allowed");
        assertThat(shell(named).exitCode()).isZero();
        env.put("STUB_SUDO", "password required");
        Result after = verify(work, clone.resolve("scripts/verify").toString());
        assertThat(after.exitCode()).as(after.output()).isZero();
        assertThat(lines("mvn.args")).containsExactly("-B", "verify");
    }

    @Test
    void whenPipCannotReachPyPiItNamesTheCommandsAndRunsNoTest() throws Exception {
        install("chromium");
        install("curl");
        install("python3");
        env.put("STUB_PYPI", "unreachable");

        Result result = verify(work, clone.resolve("scripts/verify").toString());

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("pip could not install moto_server cfn-lint")
                .containsPattern("pip install 'moto\\[server\\][^']*' 'cfn-lint[^']*'");
        assertThat(log.resolve("mvn.args")).as("mvn was never run").doesNotExist();
        assertThat(environment.resolve("bin/moto_server")).doesNotExist();
        String named = result.commandNamed();
        assertThat(named).startsWith(environment.resolve("bin/python") + " -m pip install ");

        env.remove("STUB_PYPI");
        assertThat(shell(named).exitCode()).isZero();
        assertThat(environment.resolve("bin/moto_server")).isExecutable();
        assertThat(environment.resolve("bin/cfn-lint")).isExecutable();
        clearLog();
        Result after = verify(work, clone.resolve("scripts/verify").toString());
        assertThat(after.exitCode()).as(after.output()).isZero();
        assertThat(log.resolve("pip")).as("the next run installs nothing").doesNotExist();
        assertThat(lines("mvn.args")).containsExactly("-B", "verify");
    }

    @Test
    void withoutTheVenvModuleItNamesThePackageAndLeavesNothingBehind() throws Exception {
        install("chromium");
        install("curl");
        install("python3");
        env.put("STUB_VENV", "no ensurepip");

        Result result = verify(work, clone.resolve("scripts/verify").toString());

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.commandNamed()).isEqualTo("sudo apt-get install -y python3-venv");
        assertThat(lines("python3")).containsExactly("-m venv " + environment);
        assertThat(environment).as("the half-made environment is removed").doesNotExist();
        assertThat(log.resolve("mvn.args")).doesNotExist();
    }

    @Test
    void withoutPythonItNamesThePackages() throws Exception {
        install("chromium");
        install("curl");
        install("moto_server");

        Result result = verify(work, clone.resolve("scripts/verify").toString());

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("the tests need cfn-lint");
        assertThat(result.commandNamed()).isEqualTo("sudo apt-get install -y python3 python3-venv");
        assertThat(clone.resolve(".tools")).doesNotExist();
        assertThat(log.resolve("mvn.args")).doesNotExist();
    }

    @Test
    void whenEverythingIsPresentNothingIsInstalled() throws Exception {
        for (String tool : TOOLS) {
            install(tool);
        }
        install("apt-get");
        install("python3");

        Result result = verify(work, clone.resolve("scripts/verify").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(log.resolve("apt-get")).doesNotExist();
        assertThat(log.resolve("python3")).doesNotExist();
        assertThat(log.resolve("pip")).doesNotExist();
        assertThat(clone.resolve(".tools")).doesNotExist();
        assertThat(lines("cfn-lint")).containsExactly(clone + " template.yaml");
        assertThat(lines("mvn.args")).containsExactly("-B", "verify");
        Map<String, String> seen = toolsMavenSaw();
        for (String tool : TOOLS) {
            assertThat(seen).containsEntry(tool, system.resolve(tool).toString());
        }
    }

    @ParameterizedTest(name = "{0} missing")
    @ValueSource(strings = {"java", "mvn"})
    void withoutJavaOrMavenItSaysWhatToInstall(String absent) throws Exception {
        Files.delete(system.resolve(absent));

        Result result = verify(work, clone.resolve("scripts/verify").toString());

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains(absent + " is required")
                .contains(absent.equals("java") ? "JDK 17" : "Maven 3.8");
        assertThat(log.resolve("mvn.args")).doesNotExist();
    }

    private record Result(int exitCode, String output) {
        /** The command the script tells the user to run: the indented line after "Run...:". */
        String commandNamed() {
            List<String> lines = output.lines().toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).contains("Run") && lines.get(i).endsWith(":")
                        && lines.get(i + 1).startsWith("    ")) {
                    return lines.get(i + 1).strip();
                }
            }
            throw new AssertionError("no command named in:\n" + output);
        }
    }

    private Result verify(Path directory, String script, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(script));
        command.addAll(Arrays.asList(arguments));
        return run(directory, command);
    }

    /** Runs a command line the script printed, as a user would paste it, with the same PATH. */
    private Result shell(String commandLine) throws Exception {
        return run(work, List.of(realProgram("bash").toString(), "-c", commandLine));
    }

    private Result run(Path directory, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Path output = Files.createTempFile(work, "output", ".txt");
        Process process = builder.redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private List<String> lines(String logName) throws IOException {
        return Files.readAllLines(log.resolve(logName), StandardCharsets.UTF_8);
    }

    private Map<String, String> toolsMavenSaw() throws IOException {
        Map<String, String> tools = new LinkedHashMap<>();
        for (String line : lines("mvn.tools")) {
            String[] parts = line.split("=", 2);
            tools.put(parts[0], parts[1]);
        }
        return tools;
    }

    private void clearLog() throws IOException {
        try (var files = Files.list(log)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }

    private static String git(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(Arrays.asList(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static Path realProgram(String name) {
        for (String directory : System.getenv("PATH").split(":")) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(name + " is not on this machine's PATH");
    }

    /** Puts a stub program on the simulated system's PATH, as if its package were installed. */
    private void install(String program) throws IOException {
        Path source = stubs.resolve(program);
        Files.copy(Files.exists(source) ? source : stubs.resolve("program"), system.resolve(program),
                StandardCopyOption.REPLACE_EXISTING);
        makeExecutable(system.resolve(program));
    }

    private void writeStubs(Path basics) throws IOException {
        // A program that does nothing: java, curl, chromium and moto_server need only be found.
        stub(stubs, "program", "exit 0");
        stub(basics, "id", """
                [ "$1" = -u ] || { echo "id stub: only -u" >&2; exit 2; }
                echo "$STUB_UID"
                """);
        stub(stubs, "sudo", """
                # Allowed: without a password (-n), or a person typed theirs.
                [ "$1" != -n ] || shift
                [ "${STUB_SUDO:-}" = allowed ] || { echo "sudo: a password is required" >&2; exit 1; }
                STUB_UID=0 exec "$@"
                """);
        stub(stubs, "apt-get", """
                echo "uid=$(id -u) frontend=${DEBIAN_FRONTEND:-} $*" >> "$STUB_LOG/apt-get"
                [ "$(id -u)" = 0 ] || { echo "E: Could not open lock file - are you root?" >&2; exit 100; }
                if [ "$1" = install ]; then
                  for argument in "$@"; do
                    case "$argument" in
                      install|-*) ;;
                      *) cp "$STUB_STUBS/program" "$STUB_SYSTEM/$argument" ;;
                    esac
                  done
                fi
                """);
        stub(stubs, "python3", """
                echo "$*" >> "$STUB_LOG/python3"
                [ "$1 $2" = "-m venv" ] || { echo "python3 stub: only -m venv DIR" >&2; exit 2; }
                mkdir -p "$3/bin"
                if [ -n "${STUB_VENV:-}" ]; then
                  echo "The virtual environment was not created successfully because ensurepip is not available." >&2
                  exit 1
                fi
                cp "$STUB_STUBS/venv-python" "$3/bin/python"
                """);
        stub(stubs, "venv-python", """
                echo "$*" >> "$STUB_LOG/pip"
                [ "$1 $2 $3" = "-m pip install" ] || { echo "venv python stub: only -m pip install" >&2; exit 2; }
                if [ -n "${STUB_PYPI:-}" ]; then
                  echo "ERROR: Could not find a version that satisfies the requirement $4" >&2
                  exit 1
                fi
                bin="$(dirname "$0")"
                for argument in "$@"; do
                  case "$argument" in
                    'moto[server]'*) cp "$STUB_STUBS/program" "$bin/moto_server" ;;
                    cfn-lint*) cp "$STUB_STUBS/cfn-lint" "$bin/cfn-lint" ;;
                  esac
                done
                """);
        stub(stubs, "cfn-lint", """
                echo "$PWD $*" >> "$STUB_LOG/cfn-lint"
                """);
        stub(stubs, "mvn", """
                printf '%s\\n' "$@" > "$STUB_LOG/mvn.args"
                echo "$PWD" > "$STUB_LOG/mvn.pwd"
                for tool in chromium curl moto_server cfn-lint; do
                  echo "$tool=$(command -v "$tool")" >> "$STUB_LOG/mvn.tools"
                done
                """);
    }

    private static void stub(Path directory, String name, String body) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, "#!/usr/bin/env bash\n" + body, StandardCharsets.UTF_8);
        makeExecutable(file);
    }

    private static void makeExecutable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
