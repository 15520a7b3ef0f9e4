package org.costobservatory.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.costobservatory.log.Log;

/**
 * While serving, the JSON log lines go to {@code observatory.log} in the data directory, so the terminal keeps the
 * progress bars and the banner; errors are also shown on the terminal.
 */
final class LogFile {
    private LogFile() {
    }

    static void redirect(Path file, PrintStream terminal) {
        try {
            PrivateFiles.file(file);
            Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Log.setLevel(Log.Level.INFO);
            Log.setOutput(line -> {
                try {
                    synchronized (writer) {
                        writer.write(line);
                        writer.write(System.lineSeparator());
                        writer.flush();
                    }
                } catch (IOException e) {
                    terminal.println(line);
                }
                if (line.contains("\"level\":\"ERROR\"")) {
                    terminal.println(line);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the log file " + file, e);
        }
    }
}
