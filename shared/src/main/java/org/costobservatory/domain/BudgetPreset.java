package org.costobservatory.domain;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Anthropic's Agent SDK credit pools as budget presets: monthly, no rollover. The team pool is per seat.
 */
public enum BudgetPreset {
    AGENT_SDK_PRO("agent-sdk-pro", new BigDecimal("20"), false),
    AGENT_SDK_MAX_5X("agent-sdk-max-5x", new BigDecimal("100"), false),
    AGENT_SDK_MAX_20X("agent-sdk-max-20x", new BigDecimal("200"), false),
    AGENT_SDK_TEAM("agent-sdk-team", new BigDecimal("100"), true);

    private final String id;
    private final BigDecimal usd;
    private final boolean perSeat;

    BudgetPreset(String id, BigDecimal usd, boolean perSeat) {
        this.id = id;
        this.usd = usd;
        this.perSeat = perSeat;
    }

    public String id() {
        return id;
    }

    public boolean perSeat() {
        return perSeat;
    }

    public BudgetPeriod period() {
        return BudgetPeriod.MONTHLY;
    }

    public BigDecimal limitUsd(int seats) {
        return perSeat ? usd.multiply(BigDecimal.valueOf(seats)) : usd;
    }

    public static Optional<BudgetPreset> fromId(String id) {
        return Arrays.stream(values()).filter(preset -> preset.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(BudgetPreset::id).toList();
    }
}
