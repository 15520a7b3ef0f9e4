package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.costobservatory.domain.Budget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budget seed files in YAML, read through the API's budget parser. */
class BudgetsFileTest {
    @Test
    void seedFileListsBudgetsInYaml(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("budgets.yaml");
        Files.writeString(file, """
                budgets:
                  - name: org-monthly
                    limit_usd: 5000
                    period: monthly
                  - name: support-bot
                    limit_usd: 40
                    period: daily
                    time_zone: America/New_York
                    scope: {workspace_id: wrkspc_01AbCdEfGhIjKlMnOpQrStUv}
                  - name: sdk-pool
                    preset: agent-sdk-team
                    seats: 3
                """);
        List<Budget> budgets = BudgetsFile.read(file);
        assertThat(budgets).extracting(Budget::name).containsExactly("org-monthly", "support-bot", "sdk-pool");
        assertThat(budgets.get(2).limitUsd()).isEqualByComparingTo("300");
    }

    @Test
    void seedFileErrorsNameTheEntryAndField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("budgets.yaml");
        Files.writeString(file, "- name: ok\n  limit_usd: 1\n  period: daily\n- name: bad\n  limit_usd: 1\n  period: hourly\n");
        assertThatThrownBy(() -> BudgetsFile.read(file)).hasMessageContaining("budgets[1] (bad)")
                .hasMessageContaining("period");
    }
}
