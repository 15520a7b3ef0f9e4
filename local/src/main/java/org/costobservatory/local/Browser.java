package org.costobservatory.local;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Opens a URL in the user's browser when this machine has one: {@code $BROWSER} when set, {@code open} on macOS,
 * the URL handler on Windows, {@code xdg-open} on a Linux desktop. Over SSH or in a container there is none, and the
 * caller prints the URL instead.
 */
final class Browser {
    private Browser() {
    }

    /** The command that would open {@code url}, if any. */
    static Optional<List<String>> command(URI url, Map<String, String> env, String osName, Predicate<String> onPath) {
        String browser = env.getOrDefault("BROWSER", "").trim();
        if (!browser.isEmpty()) {
            return Optional.of(List.of(browser.split(File.pathSeparator)[0], url.toString()));
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return Optional.of(List.of("open", url.toString()));
        }
        if (os.startsWith("windows")) {
            return Optional.of(List.of("rundll32", "url.dll,FileProtocolHandler", url.toString()));
        }
        boolean desktop = !env.getOrDefault("DISPLAY", "").isBlank() || !env.getOrDefault("WAYLAND_DISPLAY", "")
                .isBlank();
        return desktop && onPath.test("xdg-open") ? Optional.of(List.of("xdg-open", url.toString()))
                : Optional.empty();
    }

    /** True when a browser was asked to open {@code url}. */
    static boolean open(URI url, Map<String, String> env) {
        Optional<List<String>> command = command(url, env, System.getProperty("os.name", ""), Browser::onPath);
        if (command.isEmpty()) {
            return false;
        }
        try {
            new ProcessBuilder(command.get()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!directory.isEmpty() && new File(directory, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
