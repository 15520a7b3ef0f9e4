package org.costobservatory.store.dynamodb;

import static org.costobservatory.store.dynamodb.CostDayMapper.putRun;
import static org.costobservatory.store.dynamodb.CostDayMapper.putScopesAndRun;
import static org.costobservatory.store.dynamodb.CostDayMapper.putUnlessNone;
import static org.costobservatory.store.dynamodb.Items.bool;
import static org.costobservatory.store.dynamodb.Items.money;
import static org.costobservatory.store.dynamodb.Items.n;
import static org.costobservatory.store.dynamodb.Items.s;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.costobservatory.domain.Money;
import org.costobservatory.domain.UsageRow;
import org.costobservatory.pricing.PricedUsage;
import org.costobservatory.pricing.PricedUsageRow;
import org.costobservatory.store.RunInfo;
import org.costobservatory.store.StoredUsageHour;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The items of a stored usage hour, written and read here only: the {@code HOUR} header and one item per line. */
final class UsageHourMapper {
    private UsageHourMapper() {
    }

    static Map<String, AttributeValue> row(String pk, PricedUsageRow priced, RunInfo run) {
        UsageRow row = priced.row();
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Keys.PK, s(pk));
        item.put(Keys.SK, s(Keys.row(run.generation(), row.key())));
        item.put("hour_start", s(row.bucketStart().toString()));
        item.put("workspace_id", s(row.workspaceId()));
        item.put("api_key_id", s(row.apiKeyId()));
        putUnlessNone(item, "model", row.model());
        putUnlessNone(item, "service_tier", row.serviceTier());
        putUnlessNone(item, "context_window", row.contextWindow());
        item.put("uncached_input_tokens", n(row.uncachedInputTokens()));
        item.put("cache_read_input_tokens", n(row.cacheReadInputTokens()));
        item.put("cache_creation_5m_input_tokens", n(row.cacheCreation5mInputTokens()));
        item.put("cache_creation_1h_input_tokens", n(row.cacheCreation1hInputTokens()));
        item.put("output_tokens", n(row.outputTokens()));
        item.put("web_search_requests", n(row.webSearchRequests()));
        item.put("cost_cents", money(priced.price().cents()));
        item.put("cost_usd", money(Money.centsToUsd(priced.price().cents())));
        item.put("priced_as", s(priced.price().pricedAs()));
        if (priced.price().unpriced()) {
            item.put("unpriced", bool(true));
        }
        putRun(item, run);
        return item;
    }

    static PricedUsageRow row(Map<String, AttributeValue> item) {
        UsageRow row = new UsageRow(Instant.parse(Items.str(item, "hour_start")), Items.str(item, "workspace_id"),
                Items.str(item, "api_key_id"), Items.str(item, "model"), Items.str(item, "service_tier"),
                Items.str(item, "context_window"), Items.num(item, "uncached_input_tokens"),
                Items.num(item, "cache_read_input_tokens"), Items.num(item, "cache_creation_5m_input_tokens"),
                Items.num(item, "cache_creation_1h_input_tokens"), Items.num(item, "output_tokens"),
                Items.num(item, "web_search_requests"));
        return new PricedUsageRow(row, new PricedUsage(Items.dec(item, "cost_cents"),
                Items.str(item, "priced_as", row.model()), Items.flag(item, "unpriced")));
    }

    /** What a usage line says, its list-price cost included, without run metadata. */
    static String canonical(PricedUsageRow priced) {
        UsageRow row = priced.row();
        return row.key() + "|" + row.uncachedInputTokens() + "|" + row.cacheReadInputTokens() + "|"
                + row.cacheCreation5mInputTokens() + "|" + row.cacheCreation1hInputTokens() + "|" + row.outputTokens()
                + "|" + row.webSearchRequests() + "|" + Money.plain(priced.price().cents()) + "|"
                + priced.price().pricedAs() + "|" + priced.price().unpriced();
    }

    static Map<String, AttributeValue> header(String pk, Instant hourStart, List<PricedUsageRow> rows,
                                              List<String> scopes, List<String> retired, RunInfo run) {
        long tokens = 0;
        BigDecimal total = BigDecimal.ZERO;
        for (PricedUsageRow row : rows) {
            tokens += row.row().totalTokens();
            total = total.add(row.price().cents());
        }
        Map<String, AttributeValue> header = new LinkedHashMap<>();
        header.put(Keys.PK, s(pk));
        header.put(Keys.SK, s(Keys.USAGE_HEADER));
        header.put("report", s("usage"));
        header.put("hour_start", s(hourStart.toString()));
        header.put("row_count", n(rows.size()));
        header.put("total_tokens", n(tokens));
        header.put("cost_cents", money(total));
        header.put("cost_usd", money(Money.centsToUsd(total)));
        putScopesAndRun(header, scopes, retired, run);
        return header;
    }

    static StoredUsageHour hour(Instant hourStart, Map<String, AttributeValue> header, List<PricedUsageRow> rows) {
        return new StoredUsageHour(hourStart, rows, Items.dec(header, "cost_cents"), Items.str(header, "generation"),
                Items.str(header, "run_id"), Instant.parse(Items.str(header, "fetched_at")));
    }
}
