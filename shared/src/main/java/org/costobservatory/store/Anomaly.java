package org.costobservatory.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One scope's unusual day: it spent more than twice its trailing 7-day mean, and more than the dollar floor, with
 * what the stored breakdown says about why.
 *
 * @param kind          {@code workspace}, {@code api_key} or {@code model}
 * @param id            the workspace id ({@code default} for the Default workspace), API key id or model id
 * @param name          what to call it (a workspace's name; the id otherwise)
 * @param spentCents    the day's spend (settled where the cost report has it; API keys at list price)
 * @param baselineCents the mean of the 7 days before
 * @param reasons       most telling first
 */
public record Anomaly(LocalDate date, String kind, String id, String name, BigDecimal spentCents,
                      BigDecimal baselineCents, List<Reason> reasons) {
    public static final String WORKSPACE = "workspace";
    public static final String API_KEY = "api_key";
    public static final String MODEL = "model";

    public Anomaly {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        reasons = List.copyOf(reasons);
    }

    /** {@code workspace:<id>}, {@code api_key:<id>} or {@code model:<id>}: what one anomaly notice is about. */
    public String scopeText() {
        return kind + ":" + id;
    }

    /**
     * One explanation, e.g. kind {@code cache_misses} about {@code cache_hit_rate} going from 0.64 to 0.03.
     *
     * @param kind    {@code new_scope}, {@code token_type}, {@code cache_misses}, {@code model_mix},
     *                {@code long_context}, {@code service_tier} or {@code no_usage_rows}
     * @param subject what changed: a token type, a model, a tier, a rate
     * @param before  its value over the 7 days before (a daily mean in USD, or a share from 0 to 1)
     * @param after   its value on the day
     * @param unit    {@code usd} or {@code share}
     * @param text    the same in a sentence
     */
    public record Reason(String kind, Optional<String> subject, Optional<BigDecimal> before,
                         Optional<BigDecimal> after, Optional<String> unit, String text) {
        public Reason {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(text, "text");
            subject = subject == null ? Optional.empty() : subject;
            before = before == null ? Optional.empty() : before;
            after = after == null ? Optional.empty() : after;
            unit = unit == null ? Optional.empty() : unit;
        }

        public static Reason of(String kind, String text) {
            return new Reason(kind, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), text);
        }
    }
}
