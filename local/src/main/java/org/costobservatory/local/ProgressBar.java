package org.costobservatory.local;

import java.io.PrintStream;
import java.util.Locale;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.ingest.IngestProgress;

/** A progress bar on a terminal; on anything else, a line at 0, 25, 50, 75 and 100 %. */
final class ProgressBar implements IngestProgress {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private int lastQuarter = -1;
    private String lastLine = "";

    ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    static ProgressBar forConsole(PrintStream out) {
        return new ProgressBar(out, System.console() != null);
    }

    @Override
    public synchronized void update(String report, int done, int total) {
        String unit = ReportKind.COST.id().equals(report) ? "days" : "hours";
        int percent = total == 0 ? 100 : (int) Math.min(100, done * 100L / total);
        if (terminal) {
            int filled = percent * WIDTH / 100;
            String line = String.format(Locale.ROOT, "\r  %-5s [%s%s] %3d%%  %d/%d %s", report, "#".repeat(filled),
                    "-".repeat(WIDTH - filled), percent, done, total, unit);
            if (!line.equals(lastLine)) {
                out.print(line);
                out.flush();
                lastLine = line;
            }
            if (done >= total) {
                out.println();
                lastLine = "";
            }
        } else {
            int quarter = percent / 25;
            if (quarter != lastQuarter) {
                out.printf(Locale.ROOT, "  %-5s %3d%%  %d/%d %s%n", report, percent, done, total, unit);
                lastQuarter = quarter;
            }
        }
    }
}
