package org.costobservatory.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.SpendScope;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.PricedUsage;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.HourSpend;
import org.junit.jupiter.api.Test;

/** Which rollups a row counts towards, without a store. */
class SpendRollupsTest {
    private static final LocalDate DAY = LocalDate.parse("2026-11-20");
    private static final Instant HOUR = Instant.parse("2026-11-20T14:00:00Z");

    private static CostRow cost(String workspace, String model, String cents) {
        return new CostRow(DAY, workspace, "line " + model, model == null ? "web_search" : "tokens", model,
                model == null ? null : "standard", model == null ? null : "output_tokens", null, null, "USD",
                new BigDecimal(cents));
    }

    private static PricedUsageRow usage(String workspace, String key, String model, String tier, String cents,
                                        boolean unpriced) {
        return new PricedUsageRow(new UsageRow(HOUR, workspace, key, model, tier, "0-200k", 1, 0, 0, 0, 1, 0),
                new PricedUsage(new BigDecimal(cents), model, unpriced));
    }

    @Test
    void aCostRowCountsTowardsTheOrganisationAndItsWorkspaceOnly() {
        Map<SpendScope, SpendRollups.Settled> rollups = SpendRollups.settled(List.of(
                cost(null, "claude-opus-4-6", "100.5"), cost("wrkspc_a", "claude-opus-4-6", "20"),
                cost("wrkspc_a", null, "3"), cost(null, "claude-haiku-4-5", "0.25")));

        assertThat(rollups).containsOnlyKeys(SpendScope.ORG, SpendScope.workspace("default"),
                SpendScope.workspace("wrkspc_a"));
        assertThat(rollups.get(SpendScope.ORG).cents()).isEqualByComparingTo("123.75");
        assertThat(rollups.get(SpendScope.ORG).byModel()).containsOnlyKeys("claude-opus-4-6", "claude-haiku-4-5",
                "none");
        assertThat(rollups.get(SpendScope.ORG).byModel().get("claude-opus-4-6")).isEqualByComparingTo("120.5");
        assertThat(rollups.get(SpendScope.workspace("default")).cents()).isEqualByComparingTo("100.75");
        assertThat(rollups.get(SpendScope.workspace("wrkspc_a")).cents()).isEqualByComparingTo("23");
        assertThat(rollups.get(SpendScope.workspace("wrkspc_a")).byModel().get("none")).isEqualByComparingTo("3");
    }

    @Test
    void aUsageRowCountsTowardsTheOrganisationItsWorkspaceAndItsKey() {
        Map<SpendScope, SpendRollups.Hour> rollups = SpendRollups.usage(List.of(
                usage("wrkspc_a", "apikey_1", "claude-sonnet-4-6", "standard", "10", false),
                usage("wrkspc_a", "apikey_1", "claude-opus-4-6", "priority", "7.5", false),
                usage(null, null, "claude-mystery-9", "batch", "2", true)));

        assertThat(rollups).containsOnlyKeys(SpendScope.ORG, SpendScope.workspace("wrkspc_a"),
                SpendScope.apiKey("apikey_1"), SpendScope.workspace("default"), SpendScope.apiKey("none"));
        assertThat(rollups.get(SpendScope.apiKey("apikey_1")).workspaceId()).contains("wrkspc_a");
        assertThat(rollups.get(SpendScope.apiKey("none")).workspaceId()).contains("default");
        assertThat(rollups.get(SpendScope.workspace("wrkspc_a")).workspaceId()).isEmpty();
        assertThat(rollups.get(SpendScope.ORG).byModel()).containsOnlyKeys("claude-sonnet-4-6", "claude-opus-4-6",
                "claude-mystery-9");
        assertThat(rollups.get(SpendScope.ORG).byModel().get("claude-mystery-9"))
                .isEqualTo(new HourSpend(new BigDecimal("2"), BigDecimal.ZERO, true));
    }

    @Test
    void priorityTierIsCarriedApartBecauseTheCostReportLeavesItOut() {
        Map<SpendScope, SpendRollups.Hour> rollups = SpendRollups.usage(List.of(
                usage("wrkspc_a", "apikey_1", "claude-opus-4-6", "priority", "7.5", false),
                usage("wrkspc_a", "apikey_2", "claude-opus-4-6", "priority_on_demand", "2.5", false),
                usage("wrkspc_a", "apikey_3", "claude-opus-4-6", "standard", "1", false)));

        HourSpend opus = rollups.get(SpendScope.ORG).byModel().get("claude-opus-4-6");
        assertThat(opus.cents()).isEqualByComparingTo("11");
        assertThat(opus.priorityCents()).isEqualByComparingTo("10");
        assertThat(rollups.get(SpendScope.apiKey("apikey_3")).byModel().get("claude-opus-4-6").priorityCents())
                .isEqualByComparingTo("0");
        assertThat(SpendRollups.absentFromCostReport(usage(null, null, "m", "batch", "1", false).row())).isFalse();
        assertThat(SpendRollups.Hour.EMPTY.workspaceId()).isEqualTo(Optional.empty());
    }
}
