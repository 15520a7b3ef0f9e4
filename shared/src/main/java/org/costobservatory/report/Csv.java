package org.costobservatory.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.costobservatory.domain.Money;

/** Renders reports as CSV (RFC 4180), guarding spreadsheet formulas in text cells. */
public final class Csv {
    private Csv() {
    }

    public static String render(Report report) {
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of(report.groupBy().id(), "name"));
        boolean usage = "usage".equals(report.kind());
        if (usage) {
            header.addAll(Report.USAGE_COUNTS);
            header.add("list_price_usd");
            header.add("list_price_cents");
        } else {
            header.add("amount_usd");
            header.add("amount_cents");
        }
        line(out, header);
        for (ReportLine line : report.lines()) {
            List<String> cells = new ArrayList<>(List.of(line.key(), line.name()));
            if (usage) {
                for (String count : Report.USAGE_COUNTS) {
                    cells.add(Long.toString(line.counts().getOrDefault(count, 0L)));
                }
            }
            cells.add(Money.centsToUsd(line.amountCents()).setScale(2, RoundingMode.HALF_UP).toPlainString());
            cells.add(line.amountCents().toPlainString());
            line(out, cells);
        }
        return out.toString();
    }

    /** Any table: the first row is the header; an empty cell for null. */
    public static String table(List<List<String>> rows) {
        StringBuilder out = new StringBuilder();
        rows.forEach(row -> line(out, row));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String cell(String value) {
        String text = value == null ? "" : value;
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 && !isNumber(text)) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            text = "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    private static boolean isNumber(String text) {
        try {
            new BigDecimal(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
