package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.Items.money;
import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;
import static org.costobservatory.store.dynamodb.Items.strings;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.Dimensions;
import org.costobservatory.domain.Money;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.StoredCostDay;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The items of a stored cost day, written and read here only: the {@code DAY} header and one item per cost line. */
final class CostDayMapper {
    private CostDayMapper() {
    }

    static Map<String, AttributeValue> row(String pk, CostRow row, RunInfo run) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(pk));
        item.put(Keys.SK, s(Keys.row(run.generation(), row.key())));
        item.put("date", s(row.date().toString()));
        item.put("workspace_id", s(row.workspaceId()));
        putUnlessNone(item, "description", row.description());
        putUnlessNone(item, "cost_type", row.costType());
        putUnlessNone(item, "model", row.model());
        putUnlessNone(item, "service_tier", row.serviceTier());
        putUnlessNone(item, "token_type", row.tokenType());
        putUnlessNone(item, "context_window", row.contextWindow());
        putUnlessNone(item, "inference_geo", row.inferenceGeo());
        item.put("currency", s(row.currency()));
        item.put("amount_cents", money(row.amountCents()));
        item.put("amount_usd", money(row.amountUsd()));
        putRun(item, run);
        return item;
    }

    static CostRow row(Map<String, AttributeValue> item) {
        return new CostRow(LocalDate.parse(Items.str(item, "date")), Items.str(item, "workspace_id"),
                Items.str(item, "description"), Items.str(item, "cost_type"), Items.str(item, "model"),
                Items.str(item, "service_tier"), Items.str(item, "token_type"), Items.str(item, "context_window"),
                Items.str(item, "inference_geo"), Items.str(item, "currency", "USD"),
                Items.dec(item, "amount_cents"));
    }

    /** What a cost line says, without run metadata; equal lines mean an unchanged day. */
    static String canonical(CostRow row) {
        return row.key() + "|" + row.currency() + "|" + Money.plain(row.amountCents());
    }

    static Map<String, AttributeValue> header(String pk, CostDay day, List<String> scopes, List<String> retired,
                                              RunInfo run) {
        BigDecimal total = day.totalCents();
        Map<String, AttributeValue> header = new LinkedHashMap<>();
        header.put(Keys.PK, s(pk));
        header.put(Keys.SK, s(Keys.COST_HEADER));
        header.put("report", s("cost"));
        header.put("date", s(day.date().toString()));
        header.put("row_count", n(day.rows().size()));
        header.put("total_cents", money(total));
        header.put("total_usd", money(Money.centsToUsd(total)));
        putScopesAndRun(header, scopes, retired, run);
        return header;
    }

    static StoredCostDay day(LocalDate date, Map<String, AttributeValue> header, List<CostRow> rows) {
        return new StoredCostDay(date, rows, Items.dec(header, "total_cents"), Items.str(header, "generation"),
                Items.str(header, "run_id"), Instant.parse(Items.str(header, "fetched_at")));
    }

    /** What every bucket header ends with: the rollup scopes it counted towards, and the run that wrote it. */
    static void putScopesAndRun(Map<String, AttributeValue> header, List<String> scopes, List<String> retired,
                                RunInfo run) {
        header.put("scopes", strings(scopes));
        header.put("retired_scopes", strings(retired));
        putRun(header, run);
    }

    static void putRun(Map<String, AttributeValue> item, RunInfo run) {
        item.put("generation", s(run.generation()));
        item.put("run_id", s(run.runId()));
        item.put("fetched_at", s(run.fetchedAt().toString()));
    }

    static void putUnlessNone(Map<String, AttributeValue> item, String name, String value) {
        if (!Dimensions.NONE.equals(value)) {
            item.put(name, s(value));
        }
    }
}
