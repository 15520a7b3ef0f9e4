package org.costobservatory.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import org.costobservatory.domain.ReportKind;

/**
 * Identity of one ingest run. The {@code generation} orders the data a run writes: a stored day or hour is replaced
 * only by a generation at least as new as the one it holds. A scheduled run derives everything from its scheduled
 * time, so a retried invocation writes exactly the same items.
 *
 * @param runId      for logs and items, e.g. {@code cost/2026-11-24T02:30:00Z}
 * @param generation sortable text: logical time plus a short discriminator
 * @param logicalTime the scheduled time (or the start time of a manual run)
 * @param fetchedAt  when the run actually started, stored as run metadata
 */
public record RunInfo(String runId, String generation, Instant logicalTime, Instant fetchedAt) {
    private static final DateTimeFormatter COMPACT =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    public RunInfo {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(logicalTime, "logicalTime");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
    }

    public static RunInfo scheduled(ReportKind report, Instant scheduledTime, Instant now) {
        String runId = report.id() + "/" + scheduledTime;
        return new RunInfo(runId, COMPACT.format(scheduledTime) + "-" + shortHash(runId), scheduledTime, now);
    }

    public static RunInfo manual(ReportKind report, Instant now) {
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        return new RunInfo(report.id() + "/manual/" + now + "/" + nonce, COMPACT.format(now) + "-" + nonce, now,
                now);
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
