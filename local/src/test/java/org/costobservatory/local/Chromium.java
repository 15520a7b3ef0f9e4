package org.costobservatory.local;

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
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");

    private Chromium() {
    }

    static String executable() {
        for (String candidate : CANDIDATES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Chromium is needed for the dashboard test: apt-get install chromium "
                + "(.ci/run installs it)");
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
