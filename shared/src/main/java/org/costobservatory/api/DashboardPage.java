package org.costobservatory.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.alert.AlertMessages;
import org.costobservatory.alert.NoticeMessages;
import org.costobservatory.budget.Forecast;
import org.costobservatory.budget.HeadroomAnswer;
import org.costobservatory.budget.Spend;
import org.costobservatory.domain.Money;
import org.costobservatory.insight.Insights;
import org.costobservatory.report.DashboardData;
import org.costobservatory.report.Reconciliation;
import org.costobservatory.store.AlertRecord;
import org.costobservatory.store.Anomaly;
import org.costobservatory.store.Watermark;

/**
 * The dashboard as one HTML page with inline SVG, drawn on the server: nothing is loaded from anywhere else. Every
 * figure shown sits in an element with {@code data-budget} / {@code data-field} attributes, so tests (and scripts)
 * can read exactly what a person sees.
 */
final class DashboardPage {
    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
            header{background:#1d2330;color:#fff;padding:16px 28px}header h1{margin:0;font-size:20px}
            header p{margin:4px 0 0;color:#c8cdd8}main{padding:20px 28px;display:grid;gap:20px}
            .budgets{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:16px}
            article,section.panel{background:#fff;border-radius:10px;padding:16px 18px;box-shadow:0 1px 3px #0002}
            article h2{margin:0 0 2px;font-size:16px;display:flex;justify-content:space-between;align-items:center}
            .badge{font-size:12px;border-radius:10px;padding:2px 10px;color:#fff;text-transform:uppercase}
            .allow{background:#2e7d32}.warn{background:#ed8b00}.deny{background:#c62828}.stale{color:#c62828}
            .meta{color:#5b6475;margin:0 0 8px;font-size:12.5px}dl{display:grid;grid-template-columns:repeat(4,1fr);gap:4px 12px;margin:8px 0}
            dt{font-size:11.5px;color:#5b6475}dd{margin:0;font-weight:600}h3{font-size:14px;margin:0 0 8px}
            table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:5px 6px;border-bottom:1px solid #e6e8ee;font-size:13px}
            td.num{text-align:right;font-variant-numeric:tabular-nums}.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
            .legend span{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px}
            """;
    private static final String SETTLED = "#3559b7";
    private static final String PROVISIONAL = "#9db3ea";
    private static final String FORECAST = "#ed8b00";
    private static final java.time.format.DateTimeFormatter LOCAL =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private DashboardPage() {
    }

    static String render(DashboardData.View view) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .append("<title>Cost Observatory</title><style>").append(STYLE).append("</style></head><body>");
        html.append("<header><h1>Cost Observatory</h1><p>");
        html.append("Usage data as of <span data-field=\"data_as_of\">")
                .append(view.usage().map(w -> time(w.storedThrough())).orElse("never")).append("</span>");
        if (view.stale()) {
            html.append(" <strong class=\"stale\" data-field=\"stale\">stale</strong>");
        }
        html.append(" · cost report settled through <span data-field=\"settled_through\">")
                .append(view.cost().map(w -> w.settledThrough().toString()).orElse("nothing yet")).append("</span>")
                .append(" · page generated ").append(time(view.generatedAt()))
                .append("</p></header><main>");

        html.append("<section class=\"budgets\">");
        if (view.budgets().isEmpty()) {
            html.append("<section class=\"panel\"><h3>No budgets yet</h3><p>Create one with "
                    + "<code>PUT /v1/budgets/{name}</code> or <code>observatory budgets set</code>.</p></section>");
        }
        for (DashboardData.BudgetView budget : view.budgets()) {
            budget(html, budget, view);
        }
        html.append("</section>");

        html.append("<div class=\"grid2\">");
        slices(html, "Spend by model this month (" + view.month().start().toLocalDate() + " to "
                + view.month().end().toLocalDate().minusDays(1) + ")", "model", view.byModel());
        slices(html, "Spend by workspace this month", "workspace", view.byWorkspace());
        html.append("</div>");

        estimateVsBill(html, view.estimateVsBill());
        anomalies(html, view);
        insights(html, view.insights());
        alerts(html, view.recentAlerts());
        freshness(html, view);
        html.append("</main></body></html>");
        return html.toString();
    }

    private static void budget(StringBuilder html, DashboardData.BudgetView view, DashboardData.View page) {
        HeadroomAnswer answer = view.answer();
        String name = escape(answer.budget().name());
        String decision = answer.decision().id();
        html.append("<article data-budget=\"").append(name).append("\"><h2>").append(name)
                .append(" <span class=\"badge ").append(decision).append("\" data-budget=\"").append(name)
                .append("\" data-field=\"decision\">").append(decision).append("</span></h2>");
        html.append("<p class=\"meta\">").append(answer.budget().period().id()).append(" · ")
                .append(escape(answer.budget().timeZone().getId())).append(" · ")
                .append("<span data-budget=\"").append(name).append("\" data-field=\"scope\">")
                .append(escape(answer.budget().scope().describe(page.workspaceNames(), page.apiKeyNames())))
                .append("</span> · resets ")
                .append(answer.period().end().toLocalDate()).append(" · basis ").append(answer.basis())
                .append(answer.stale() ? " · <strong class=\"stale\">stale</strong>" : "").append("</p>");
        gauge(html, answer, view.forecastUsd());
        html.append("<p class=\"meta\" data-budget=\"").append(name).append("\" data-field=\"forecast_method\">")
                .append(methodText(answer.forecast())).append("</p>");
        html.append("<dl>");
        field(html, name, "Spent", "spent_usd", "$", answer.spentUsd());
        field(html, name, "Settled", "settled_usd", "$", answer.settledUsd());
        field(html, name, "Provisional", "provisional_usd", "$", answer.provisionalUsd());
        field(html, name, "Limit", "limit_usd", "$", answer.budget().limitUsd().setScale(2, RoundingMode.HALF_UP));
        field(html, name, "Remaining", "remaining_usd", "$", answer.remainingUsd());
        field(html, name, "Used %", "percent_used", "", answer.percentUsed());
        Forecast forecast = answer.forecast();
        html.append("<div><dt>Forecast</dt><dd>");
        if (forecast.forecastUsd().isPresent()) {
            html.append("$<span data-budget=\"").append(name).append("\" data-field=\"forecast_usd\" data-value=\"")
                    .append(forecast.forecastUsd().get().toPlainString()).append("\">")
                    .append(amount(forecast.forecastUsd().get())).append("</span>");
        } else {
            html.append("<span data-budget=\"").append(name).append("\" data-field=\"forecast_usd\">—</span>");
        }
        html.append("</dd></div>");
        html.append("<div><dt>80 % interval</dt><dd>");
        if (forecast.lowUsd().isPresent()) {
            html.append("$<span data-budget=\"").append(name).append("\" data-field=\"forecast_low_usd\" data-value=\"")
                    .append(forecast.lowUsd().get().toPlainString()).append("\">")
                    .append(amount(forecast.lowUsd().get())).append("</span>–$<span data-budget=\"")
                    .append(name).append("\" data-field=\"forecast_high_usd\" data-value=\"")
                    .append(forecast.highUsd().orElseThrow().toPlainString()).append("\">")
                    .append(amount(forecast.highUsd().orElseThrow())).append("</span>");
        } else {
            html.append("—");
        }
        html.append("</dd></div><div><dt>Runs out</dt><dd data-budget=\"").append(name)
                .append("\" data-field=\"exhausted_at\"").append(forecast.exhaustedAt().map(at -> " data-value=\""
                        + at + "\"").orElse("")).append(">")
                .append(forecast.exhaustedAt().map(at -> LOCAL.format(at.atZone(answer.budget().timeZone())))
                        .orElse("not this period")).append("</dd></div>");
        html.append("<div><dt>Crossed</dt><dd data-budget=\"").append(name).append("\" data-field=\"thresholds_crossed\">")
                .append(answer.thresholdsCrossed().isEmpty() ? "none" : String.join(", ",
                        answer.thresholdsCrossed().stream().map(t -> AlertMessages.percentText(t) + "%").toList()))
                .append("</dd></div></dl>");
        daily(html, answer, view.days());
        html.append("</article>");
    }

    private static String methodText(Forecast forecast) {
        return switch (forecast.method()) {
            case Forecast.WEEKLY_TREND -> "Forecast from the weekday rhythm and recent trend of "
                    + forecast.historyDays() + " complete days.";
            case Forecast.LAST_WEEK -> "Forecast from the mean of the last 7 complete days (under two weeks of "
                    + "history).";
            case Forecast.RUN_RATE -> "Forecast: run rate of the period so far (under a week of history).";
            default -> "No forecast yet: under an hour of data in the period and under a week of history.";
        };
    }

    private static void field(StringBuilder html, String budget, String label, String field, String prefix,
                              BigDecimal value) {
        // The sign goes before the currency symbol (-$34.98); the element holds the plain number.
        String sign = value.signum() < 0 && !prefix.isEmpty() ? "-" : "";
        html.append("<div><dt>").append(label).append("</dt><dd>").append(sign).append(prefix)
                .append("<span data-budget=\"").append(budget).append("\" data-field=\"").append(field)
                .append("\" data-value=\"").append(value.toPlainString()).append("\">")
                .append(prefix.isEmpty() ? value.toPlainString() : amount(sign.isEmpty() ? value : value.negate()))
                .append("</span></dd></div>");
    }

    /** Settled and provisional parts against the limit, with the forecast marked. */
    private static void gauge(StringBuilder html, HeadroomAnswer answer, Optional<BigDecimal> forecast) {
        double limit = answer.budget().limitUsd().doubleValue();
        double scale = Math.max(limit, Math.max(answer.spentUsd().doubleValue(),
                forecast.map(BigDecimal::doubleValue).orElse(0.0))) * 1.05;
        double width = 400;
        double settled = answer.settledUsd().doubleValue() / scale * width;
        double provisional = answer.provisionalUsd().doubleValue() / scale * width;
        double limitX = limit / scale * width;
        html.append(String.format(Locale.ROOT, "<svg role=\"img\" aria-label=\"spend against limit\" width=\"100%%\" "
                + "viewBox=\"0 0 %.0f 34\" preserveAspectRatio=\"none\"><rect x=\"0\" y=\"6\" width=\"%.0f\" height=\"16\" "
                + "rx=\"3\" fill=\"#e6e8ee\"/><rect x=\"0\" y=\"6\" width=\"%.2f\" height=\"16\" fill=\"%s\"/>"
                + "<rect x=\"%.2f\" y=\"6\" width=\"%.2f\" height=\"16\" fill=\"%s\"/>"
                + "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"2\" y2=\"26\" stroke=\"#1d2330\" stroke-width=\"2\"/>",
                width, width, settled, SETTLED, settled, provisional, PROVISIONAL, limitX, limitX));
        forecast.ifPresent(value -> {
            double x = Math.min(width, value.doubleValue() / scale * width);
            answer.forecast().lowUsd().ifPresent(low -> {
                double from = Math.min(width, low.doubleValue() / scale * width);
                double to = Math.min(width, answer.forecast().highUsd().orElse(low).doubleValue() / scale * width);
                html.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"28\" y2=\"28\" "
                        + "stroke=\"%s\" stroke-width=\"2\" opacity=\"0.6\"/>", from, to, FORECAST));
            });
            html.append(String.format(Locale.ROOT, "<path d=\"M%.2f 24 l-5 8 h10 z\" fill=\"%s\"/>", x, FORECAST));
        });
        html.append("</svg><div class=\"legend meta\"><span style=\"background:").append(SETTLED)
                .append("\"></span>settled<span style=\"background:").append(PROVISIONAL)
                .append("\"></span>provisional<span style=\"background:#1d2330;width:2px\"></span>limit")
                .append("<span style=\"background:").append(FORECAST)
                .append("\"></span>forecast at period end (line: 80 % interval)</div>");
    }

    /** One bar per UTC day of the period so far: settled below, provisional on top. */
    private static void daily(StringBuilder html, HeadroomAnswer answer, List<Spend.DaySpend> days) {
        LocalDate first = answer.period().startInstant().atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate last = answer.period().endInstant().minusNanos(1).atOffset(ZoneOffset.UTC).toLocalDate();
        Map<LocalDate, Spend.DaySpend> byDate = new HashMap<>();
        days.forEach(day -> byDate.put(day.date(), day));
        int count = (int) java.time.temporal.ChronoUnit.DAYS.between(first, last) + 1;
        double max = days.stream().mapToDouble(d -> d.totalCents().doubleValue()).max().orElse(0);
        double width = 400;
        double height = 80;
        double slot = width / count;
        html.append("<h3>Daily spend (UTC days)</h3><svg role=\"img\" aria-label=\"daily spend\" width=\"100%\" "
                + "viewBox=\"0 0 400 96\" preserveAspectRatio=\"none\">");
        for (int i = 0; i < count; i++) {
            Spend.DaySpend day = byDate.get(first.plusDays(i));
            if (day == null || max == 0) {
                continue;
            }
            double settled = day.settledCents().doubleValue() / max * height;
            double provisional = day.provisionalCents().doubleValue() / max * height;
            double x = i * slot + slot * 0.1;
            double w = Math.max(1, slot * 0.8);
            html.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                    + "fill=\"%s\"><title>%s settled %s</title></rect>", x, height - settled, w, settled, SETTLED,
                    day.date(), Money.format(Money.centsToUsd(day.settledCents()))));
            html.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                    + "fill=\"%s\"><title>%s provisional %s</title></rect>", x, height - settled - provisional, w,
                    provisional, PROVISIONAL, day.date(), Money.format(Money.centsToUsd(day.provisionalCents()))));
        }
        html.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"94\" font-size=\"9\" fill=\"#5b6475\">%s</text>"
                + "<text x=\"400\" y=\"94\" font-size=\"9\" fill=\"#5b6475\" text-anchor=\"end\">%s</text></svg>",
                first, last));
    }

    private static void slices(StringBuilder html, String title, String kind, List<DashboardData.Slice> slices) {
        html.append("<section class=\"panel\" data-breakdown=\"").append(kind).append("\"><h3>").append(escape(title))
                .append("</h3><table>");
        double max = slices.stream().mapToDouble(s -> s.usd().doubleValue()).max().orElse(0);
        if (slices.isEmpty()) {
            html.append("<tr><td>No spend stored for this month yet.</td></tr>");
        }
        for (DashboardData.Slice slice : slices) {
            double bar = max == 0 ? 0 : slice.usd().doubleValue() / max * 160;
            html.append("<tr><td>").append(escape(slice.name()));
            if (!slice.name().equalsIgnoreCase(slice.key()) && kind.equals("workspace")) {
                html.append(" <span class=\"meta\">").append(escape(slice.key())).append("</span>");
            }
            html.append("</td><td>")
                    .append(String.format(Locale.ROOT, "<svg width=\"160\" height=\"10\"><rect width=\"%.1f\" "
                            + "height=\"10\" rx=\"2\" fill=\"%s\"/></svg>", bar, SETTLED))
                    .append("</td><td class=\"num\">$<span data-").append(kind).append("=\"")
                    .append(escape(slice.key())).append("\" data-field=\"spent_usd\" data-value=\"")
                    .append(slice.usd().toPlainString()).append("\">").append(amount(slice.usd()))
                    .append("</span></td></tr>");
        }
        html.append("</table></section>");
    }

    /**
     * Each of the last settled days: the bill against what headroom said before the day settled, the same usage at
     * list price, and imported client estimates; bars for the bill with a mark at the provisional figure.
     */
    private static void estimateVsBill(StringBuilder html, List<Reconciliation.Line> days) {
        html.append("<section class=\"panel\" data-panel=\"estimate-vs-bill\"><h3>Estimate against the bill, last ")
                .append(DashboardData.RECONCILED_DAYS).append(" settled days</h3>");
        if (days.isEmpty()) {
            html.append("<p class=\"meta\">No settled day yet.</p></section>");
            return;
        }
        double max = days.stream().mapToDouble(d -> Math.max(d.billedCents().doubleValue(),
                d.provisionalCents().orElse(BigDecimal.ZERO).doubleValue())).max().orElse(0);
        double slot = 400.0 / days.size();
        html.append("<svg role=\"img\" aria-label=\"bill and provisional estimate per day\" width=\"100%\" "
                + "viewBox=\"0 0 400 70\" preserveAspectRatio=\"none\">");
        for (int i = 0; i < days.size() && max > 0; i++) {
            Reconciliation.Line day = days.get(i);
            double billed = day.billedCents().doubleValue() / max * 60;
            double x = i * slot + slot * 0.15;
            double w = Math.max(1, slot * 0.7);
            html.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                    + "fill=\"%s\"><title>%s billed $%s</title></rect>", x, 62 - billed, w, billed, SETTLED,
                    escape(day.key()), Money.centsToRoundedUsd(day.billedCents())));
            if (day.provisionalCents().isPresent()) {
                double y = 62 - day.provisionalCents().get().doubleValue() / max * 60;
                html.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"3\" "
                        + "fill=\"%s\"><title>%s provisional $%s</title></rect>", x - 1, y - 1.5, w + 2, FORECAST,
                        escape(day.key()), Money.centsToRoundedUsd(day.provisionalCents().get())));
            }
        }
        html.append("</svg><div class=\"legend meta\"><span style=\"background:").append(SETTLED)
                .append("\"></span>billed<span style=\"background:").append(FORECAST)
                .append("\"></span>provisional (what headroom said before the day settled)</div>");
        html.append("<table><tr><th>Day</th><th>Billed</th><th>Provisional</th><th>Drift</th><th>At list price</th>"
                + "<th>Drift</th><th>Client estimates</th><th>Drift</th></tr>");
        for (Reconciliation.Line day : days) {
            String key = escape(day.key());
            html.append("<tr data-reconciliation=\"").append(key).append("\"><td>").append(key).append("</td>");
            reconciled(html, key, "billed_usd", Optional.of(day.billedCents()), true);
            reconciled(html, key, "provisional_usd", day.provisionalCents(), true);
            reconciled(html, key, "provisional_drift_percent", day.provisionalDrift(), false);
            reconciled(html, key, "list_estimate_usd", day.listCents(), true);
            reconciled(html, key, "list_estimate_drift_percent", day.listDrift(), false);
            reconciled(html, key, "client_usd", day.clientCents(), true);
            reconciled(html, key, "client_drift_percent", day.clientDrift(), false);
            html.append("</tr>");
        }
        html.append("</table><p class=\"meta\">Drift = (estimate - bill) / bill. Provisional is usage at the prices "
                + "learned from earlier bills (else list price), as headroom counted it before the day settled; "
                + "Priority Tier is in none of the columns, because the cost report has none of it.</p></section>");
    }

    private static void reconciled(StringBuilder html, String day, String field, Optional<BigDecimal> value,
                                   boolean cents) {
        html.append("<td class=\"num\">");
        if (value.isEmpty()) {
            html.append("<span data-reconciliation=\"").append(day).append("\" data-field=\"").append(field)
                    .append("\">—</span></td>");
            return;
        }
        BigDecimal shown = cents ? Money.centsToRoundedUsd(value.get()) : value.get();
        String sign = shown.signum() < 0 ? "-" : "";
        html.append(sign).append(cents ? "$" : "").append("<span data-reconciliation=\"").append(day)
                .append("\" data-field=\"").append(field).append("\" data-value=\"").append(shown.toPlainString())
                .append("\">").append(cents ? amount(shown.abs()) : shown.abs().toPlainString()).append("</span>")
                .append(cents ? "" : "%")
                .append("</td>");
    }

    /** Unusual days of the last two weeks, each with why. */
    private static void anomalies(StringBuilder html, DashboardData.View view) {
        html.append("<section class=\"panel\" data-panel=\"anomalies\"><h3>Anomalies since ")
                .append(view.anomaliesFrom()).append("</h3><table><tr><th>Day</th><th>Scope</th><th>Spent</th>"
                        + "<th>7-day mean</th><th>Why</th></tr>");
        if (view.anomalies().isEmpty()) {
            html.append("<tr><td colspan=\"5\">No anomalies: no settled day above twice its trailing 7-day mean "
                    + "and the floor.</td></tr>");
        }
        for (Anomaly anomaly : view.anomalies()) {
            String key = escape(anomaly.date() + "/" + anomaly.scopeText());
            html.append("<tr data-anomaly=\"").append(key).append("\"><td>").append(anomaly.date())
                    .append("</td><td>").append(escape(NoticeMessages.label(anomaly)))
                    .append("</td><td class=\"num\">$")
                    .append("<span data-anomaly=\"").append(key).append("\" data-field=\"spent_usd\" data-value=\"")
                    .append(Money.centsToRoundedUsd(anomaly.spentCents()).toPlainString()).append("\">")
                    .append(amount(Money.centsToRoundedUsd(anomaly.spentCents())))
                    .append("</span></td><td class=\"num\">$")
                    .append(amount(Money.centsToRoundedUsd(anomaly.baselineCents()))).append("</td><td>");
            html.append(String.join("; ", anomaly.reasons().stream().map(r -> escape(r.text())).toList()))
                    .append("</td></tr>");
        }
        html.append("</table></section>");
    }

    /** Who spent the last 7 days, the change against the 7 before, the cache and batch, and what-if savings. */
    private static void insights(StringBuilder html, Insights.Report report) {
        html.append("<section class=\"panel\" data-panel=\"insights\"><h3>Insights ").append(report.from())
                .append(" to ").append(report.to()).append(" against the 7 days before (usage at list price)</h3>");
        html.append("<dl><div><dt>Spent</dt><dd>$<span data-insight=\"total\" data-field=\"total_usd\" data-value=\"")
                .append(Money.centsToRoundedUsd(report.totalCents()).toPlainString()).append("\">")
                .append(amount(Money.centsToRoundedUsd(report.totalCents()))).append("</span></dd></div>")
                .append("<div><dt>Before</dt><dd>$<span data-insight=\"total\" data-field=\"previous_total_usd\" "
                        + "data-value=\"")
                .append(Money.centsToRoundedUsd(report.previousTotalCents()).toPlainString()).append("\">")
                .append(amount(Money.centsToRoundedUsd(report.previousTotalCents())))
                .append("</span></dd></div><div><dt>Cache hit rate</dt><dd><span data-insight=\"cache\" "
                        + "data-field=\"hit_rate\" data-value=\"")
                .append(rate(report.cache().hitRate())).append("\">").append(percent(report.cache().hitRate()))
                .append("</span></dd></div><div><dt>Batch share</dt><dd><span data-insight=\"batch\" "
                        + "data-field=\"share_of_spend\" data-value=\"").append(rate(report.batch().shareOfSpend()))
                .append("\">").append(percent(report.batch().shareOfSpend())).append("</span></dd></div>")
                .append("<div><dt>Uncached input</dt><dd>$<span data-insight=\"cache\" "
                        + "data-field=\"uncached_input_usd\" data-value=\"")
                .append(Money.centsToRoundedUsd(report.cache().uncachedInputCents()).toPlainString()).append("\">")
                .append(amount(Money.centsToRoundedUsd(report.cache().uncachedInputCents())))
                .append("</span></dd></div></dl>");
        html.append("<div class=\"grid2\">");
        ranking(html, "Top API keys", "api_keys", report.apiKeys());
        ranking(html, "Top models", "models", report.models());
        html.append("</div>");
        html.append("<h3>What would be cheaper (estimates)</h3><table><tr><th>If</th><th>Saving</th>"
                + "<th>Assumptions</th></tr>");
        for (Insights.WhatIf whatIf : report.whatIfs()) {
            html.append("<tr><td>").append(escape(whatIf.label())).append("</td><td class=\"num\">$<span "
                            + "data-insight=\"").append(whatIf.id())
                    .append("\" data-field=\"saving_usd\" data-value=\"")
                    .append(Money.centsToRoundedUsd(whatIf.savingCents()).toPlainString()).append("\">")
                    .append(amount(Money.centsToRoundedUsd(whatIf.savingCents()))).append("</span></td><td>")
                    .append(escape(whatIf.assumptions())).append("</td></tr>");
        }
        html.append("</table></section>");
    }

    private static void ranking(StringBuilder html, String title, String kind, List<Insights.Line> lines) {
        html.append("<div><h3>").append(title).append("</h3><table><tr><th></th><th>Spent</th><th>Change</th></tr>");
        if (lines.isEmpty()) {
            html.append("<tr><td colspan=\"3\">No usage stored for these days.</td></tr>");
        }
        for (Insights.Line line : lines) {
            BigDecimal change = Money.centsToRoundedUsd(line.cents().subtract(line.previousCents()));
            html.append("<tr><td>").append(escape(line.name())).append("</td><td class=\"num\">$<span data-")
                    .append(kind).append("=\"").append(escape(line.key()))
                    .append("\" data-field=\"spent_usd\" data-value=\"")
                    .append(Money.centsToRoundedUsd(line.cents()).toPlainString()).append("\">")
                    .append(amount(Money.centsToRoundedUsd(line.cents()))).append("</span></td>")
                    .append("<td class=\"num\">").append(change.signum() < 0 ? "-$" : "+$")
                    .append(amount(change.abs())).append("</td></tr>");
        }
        html.append("</table></div>");
    }

    private static String rate(double share) {
        return BigDecimal.valueOf(share).setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    private static String percent(double share) {
        return BigDecimal.valueOf(share * 100).setScale(1, RoundingMode.HALF_UP).toPlainString() + "%";
    }

    private static void alerts(StringBuilder html, List<AlertRecord> alerts) {
        html.append("<section class=\"panel\"><h3>Recent alerts</h3><table><tr><th>Sent</th><th>Budget</th>"
                + "<th>Threshold</th><th>Period start</th><th>Spent</th></tr>");
        if (alerts.isEmpty()) {
            html.append("<tr><td colspan=\"5\">No alert has been sent yet.</td></tr>");
        }
        for (AlertRecord alert : alerts) {
            html.append("<tr data-alert=\"").append(escape(alert.budget())).append("\"><td>")
                    .append(alert.sentAt().map(DashboardPage::time).orElse("pending (" + alert.state() + ")"))
                    .append("</td><td>").append(escape(alert.budget())).append("</td><td class=\"num\">")
                    .append(AlertMessages.percentText(alert.thresholdPercent())).append("%</td><td>")
                    .append(escape(alert.periodStart())).append("</td><td class=\"num\">")
                    .append(alert.spentUsd().map(Money::format).orElse("")).append("</td></tr>");
        }
        html.append("</table></section>");
    }

    private static void freshness(StringBuilder html, DashboardData.View view) {
        html.append("<section class=\"panel\"><h3>Data freshness</h3><table><tr><th>Report</th><th>Stored through</th>"
                + "<th>Last successful run</th><th>Its window</th></tr>");
        row(html, "cost (settled, daily)", view.cost());
        row(html, "usage (provisional, hourly)", view.usage());
        html.append("</table><p class=\"meta\">Settled = Anthropic's cost report for complete UTC days (plus Priority "
                + "Tier usage at list price, which it omits). Provisional = usage since then, at the prices learned "
                + "from the bill where known, else at list price. Forecast = spend so far plus the expected spend of "
                + "the rest of the period from the weekday rhythm and recent trend of up to 56 days of history (the "
                + "run rate when there is under a week), with an 80 % interval.</p></section>");
    }

    private static void row(StringBuilder html, String label, Optional<Watermark> mark) {
        html.append("<tr><td>").append(label).append("</td><td>")
                .append(mark.map(w -> time(w.storedThrough())).orElse("nothing stored")).append("</td><td>")
                .append(mark.flatMap(Watermark::lastSuccessAt).map(DashboardPage::time).orElse("—")).append("</td><td>")
                .append(mark.flatMap(Watermark::lastWindowFrom).map(DashboardPage::time).orElse(""))
                .append(mark.flatMap(Watermark::lastWindowTo).map(to -> " – " + time(to)).orElse(""))
                .append("</td></tr>");
    }

    private static final java.time.format.DateTimeFormatter TO_THE_SECOND = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** A moment to the second, in UTC, with the exact instant for machines: {@code 2026-11-24 09:10:03 UTC}. */
    static String time(Instant at) {
        return "<time datetime=\"" + at + "\">" + TO_THE_SECOND.format(at) + "</time>";
    }

    /** Dollars with thousands separators, as the CLI shows them: {@code 8,300.26} (the $ is written before it). */
    static String amount(BigDecimal usd) {
        return String.format(Locale.ROOT, "%,.2f", Money.roundUsd(usd));
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
