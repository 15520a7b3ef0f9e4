package org.costobservatory.local;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, as the tests' browser. It renders the page as a person's browser would; the
 * background-networking flags keep it from calling out of this machine.
 */
final class Chromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");

    private Chromium() {
    }

    static String executable() {
        // First the names scripts/verify looks for on the PATH, so the test uses the browser the script found.
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES) {
            for (String directory : path.split(File.pathSeparator)) {
                if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, name))) {
                    return Path.of(directory, name).toString();
                }
            }
        }
        for (String candidate : CANDIDATES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Chromium is needed for the dashboard test: run the tests with scripts/verify, "
                + "which installs it, or apt-get install chromium");
    }

    /** The DOM after the page has loaded, as serialised by the browser. */
    static String dumpDom(URI page) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", page.toString()));
    }

    static void screenshot(URI page, Path file, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        run(List.of("--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + file,
                page.toString()));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Chromium wrote no screenshot to " + file);
        }
    }

    private static String run(List<String> arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> command = new ArrayList<>(List.of(executable(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--user-data-dir=" + profile));
        command.addAll(arguments);
        Path output = Files.createTempFile("chromium", ".out");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish within 90 s");
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        return text;
    }
}
