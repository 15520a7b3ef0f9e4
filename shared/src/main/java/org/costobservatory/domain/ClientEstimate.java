package org.costobservatory.domain;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A cost estimate made on the client side (an engine, the Agent SDK's {@code total_cost_usd}, ccusage): what one call,
 * run or day cost by the client's own reckoning. It never counts towards spend; reconciliation sets it against the
 * bill.
 *
 * @param time    when the call or run happened; its UTC day is the day it is reconciled with
 * @param costUsd the client's figure, in US dollars
 * @param runId   the client's id for the call or run; re-sending the same id on the same day replaces the estimate
 */
public record ClientEstimate(Instant time, BigDecimal costUsd, Optional<String> model, Optional<String> workspaceId,
                             Optional<String> apiKeyId, Optional<String> runId, Optional<String> source,
                             Optional<Long> inputTokens, Optional<Long> outputTokens,
                             Optional<Long> cacheReadInputTokens, Optional<Long> cacheCreationInputTokens) {

    public ClientEstimate {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(costUsd, "costUsd");
    }

    public LocalDate date() {
        return time.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    /**
     * What makes two estimates the same: the run id when there is one ({@code run#<id>}), else a digest of every
     * field ({@code sha#<hex>}), so the same record sent twice is stored once.
     */
    public String identity() {
        if (runId.isPresent()) {
            return "run#" + runId.get();
        }
        String canonical = Stream.of(time.toString(), Money.plain(costUsd), model.orElse(""),
                workspaceId.orElse(""), apiKeyId.orElse(""), source.orElse(""), count(inputTokens),
                count(outputTokens), count(cacheReadInputTokens), count(cacheCreationInputTokens))
                .collect(Collectors.joining("\u001f"));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return "sha#" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    public BigDecimal costCents() {
        return Money.usdToCents(costUsd);
    }

    private static String count(Optional<Long> value) {
        return value.map(String::valueOf).orElse("");
    }
}
