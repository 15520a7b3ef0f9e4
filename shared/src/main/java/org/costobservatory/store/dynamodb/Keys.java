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
 * VERSION                    data                     version of the rollups and watermarks: seq, writes in flight
 * WORKSPACE                  wrkspc_1                 workspace name
 * API_KEY                    apikey_01                API key name, status and workspace (headroom finds a key's workspace here when it has no usage)
 * BUDGET                     team-agents              a budget
 * BUDGET                     team-agents#holds        its hold ledger: version, active holds, recent runs
 * HOLD#hold_3f2a...          HOLD                     one hold
 * RUNCLASS#nightly-eval      2026-11-24T10:40:00Z#hold_3f2a...  a settled run's cost, for sizing its class
 * AUDIT#team-agents          2026-11-24T10:00:00Z#a1b2c3d4  one recorded change of a budget
 * ALERT                      team-agents#2026-11-01#075  one threshold of one budget period
 * NOTICE                     drift#2026-11-20         one notice sent at most once (drift, anomaly, forecast, ...)
 * CALIBRATION                CURRENT                  header of the prices learned from the bill: generation, window
 * CALIBRATION                ROW#gen#key|model#m      one learned price (a workspace, model, tier and context window)
 * PROVISIONAL                2026-11-20               what headroom said of a day before it settled
 * ESTIMATE                   2026-11-20#run#id        one client-side estimate (or #sha#digest when it has no run id)
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
    public static final String VERSION = "VERSION";
    public static final String DATA_VERSION = "data";
    public static final String WORKSPACE = "WORKSPACE";
    public static final String API_KEY = "API_KEY";
    public static final String BUDGET = "BUDGET";
    public static final String ALERT = "ALERT";
    public static final String NOTICE = "NOTICE";
    public static final String HOLD_SORT_KEY = "HOLD";
    /** Follows a budget's name in its ledger's sort key; no budget name contains '#', so it cannot clash. */
    public static final String LEDGER_SUFFIX = "#holds";
    public static final String CALIBRATION = "CALIBRATION";
    public static final String CALIBRATION_HEADER = "CURRENT";
    public static final String PROVISIONAL = "PROVISIONAL";
    public static final String ESTIMATE = "ESTIMATE";
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

    private static final DateTimeFormatter SORTABLE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** An instant in one fixed width, so sort keys that start with it sort by time. */
    public static String sortable(Instant instant) {
        return SORTABLE.format(instant);
    }

    public static String hold(String holdId) {
        return "HOLD#" + holdId;
    }

    public static String ledger(String budget) {
        return budget + LEDGER_SUFFIX;
    }

    public static String runClass(String runClass) {
        return "RUNCLASS#" + runClass;
    }

    public static String audit(String budget) {
        return "AUDIT#" + budget;
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
