package org.costobservatory.store.dynamodb;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import org.costobservatory.domain.ReportKind;
import org.costobservatory.domain.SpendScope;

/**
 * The single-table key layout (documented in the README). Partition keys name what an item is about; sort keys
 * order items inside it.
 *
 * <pre>
 * COST#2026-08-10            DAY                      header: current generation, totals, scopes
 * COST#2026-08-10            ROW#gen#key              one cost line
 * USAGE#2026-08-10T13        HOUR                     header of one usage hour
 * USAGE#2026-08-10T13        ROW#gen#key              one usage line with its list-price cost
 * SPEND#workspace:wrkspc_1   2026-08-10               per-day rollup of one scope
 * SCOPES                     workspace:wrkspc_1       registry of rollup scopes
 * WATERMARK                  cost | usage             progress of a report
 * WORKSPACE                  wrkspc_1                 workspace name
 * BUDGET                     team-agents              a budget
 * ALERT                      team-agents#2026-11-01#075  one threshold of one budget period
 * NOTICE                     drift#2026-11-20         one notice sent at most once (drift, anomaly, forecast, ...)
 * ANOMALY                    2026-11-20               the anomaly check of one settled day
 * </pre>
 */
public final class Keys {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String COST_HEADER = "DAY";
    public static final String USAGE_HEADER = "HOUR";
    public static final String ROW_PREFIX = "ROW#";
    public static final String SCOPES = "SCOPES";
    public static final String WATERMARK = "WATERMARK";
    public static final String WORKSPACE = "WORKSPACE";
    public static final String BUDGET = "BUDGET";
    public static final String ALERT = "ALERT";
    public static final String NOTICE = "NOTICE";
    public static final String ANOMALY = "ANOMALY";

    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    private static final int MAX_KEY_TEXT = 400;

    private Keys() {
    }

    public static String costDay(LocalDate date) {
        return "COST#" + date;
    }

    public static String usageHour(Instant hourStart) {
        return "USAGE#" + HOUR.format(hourStart);
    }

    public static String spend(SpendScope scope) {
        return "SPEND#" + scope.text();
    }

    public static String watermark(ReportKind report) {
        return report.id();
    }

    /** {@code ROW#<generation>#<natural key>}; very long keys keep a readable head and a hash. */
    public static String row(String generation, String naturalKey) {
        String key = naturalKey;
        if (key.length() > MAX_KEY_TEXT) {
            key = key.substring(0, 300) + "~" + sha256(naturalKey).substring(0, 16);
        }
        return ROW_PREFIX + generation + "#" + key;
    }

    /** The generation inside a row sort key. */
    public static String generationOfRow(String sortKey) {
        int start = ROW_PREFIX.length();
        int end = sortKey.indexOf('#', start);
        return end < 0 ? sortKey.substring(start) : sortKey.substring(start, end);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
