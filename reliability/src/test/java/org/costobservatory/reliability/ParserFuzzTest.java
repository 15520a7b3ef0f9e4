package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.costobservatory.anthropic.BucketWidth;
import org.costobservatory.anthropic.CostPage;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.ReportJsonWriter;
import org.costobservatory.anthropic.ReportParseException;
import org.costobservatory.anthropic.ReportParser;
import org.costobservatory.anthropic.UsagePage;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.CostRow;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.UsageRow;

/**
 * Fuzzing the Admin API parsers (case 7): valid pages are mutated (truncated, bytes flipped, spans deleted or
 * duplicated, values swapped for hostile JSON) and parsed. Only our own {@link ReportParseException} may escape,
 * and whatever does parse is within bounds. Through the real job, nothing from a page that fails is stored.
 * Bounded in CI ({@code jqwik.tries.default} in junit-platform.properties); for a longer run:
 * {@code mvn -pl reliability -am test -Dtest=ParserFuzzTest -Djqwik.tries.default=100000 -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ParserFuzzTest {
    private static final ReportParser PARSER = new ReportParser();
    private static final List<CostDay> COST = Fixture.costDays("2026-08-05", "2026-08-07", "9");
    private static final List<UsageBucket> USAGE = Fixture.usageHours("2026-08-13T20:00:00Z", "2026-08-13T23:00:00Z", 4);
    private static final byte[] COST_PAGE = ReportJsonWriter.costPage(COST, true, "page_2")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] USAGE_PAGE = ReportJsonWriter.usagePage(USAGE, false, null)
            .getBytes(StandardCharsets.UTF_8);
    private static final List<String> HOSTILE = List.of("null", "true", "-1", "-0.5", "1e400", "\"NaN\"", "\"-1\"",
            "\"1e30\"", "\"abc\"", "\"\"", "{}", "[]", "[[[[[[]]]]]]", "9223372036854775808", "1.5", "\"\\u0000\"",
            "\"\\ud800\"", "{\"amount\": \"1\"}", "\"2026-13-45T99:00:00Z\"");

    private static FakeAdminApi api;

    @BeforeContainer
    static void start() {
        api = FakeAdminApi.start();
    }

    @AfterContainer
    static void stop() {
        api.close();
    }

    /** One mutation of a page: kind, position and length are drawn, the hostile value too. */
    record Mutation(int kind, double position, int length, String value) {
        byte[] apply(byte[] page) {
            int at = (int) (position * page.length);
            String text = new String(page, StandardCharsets.UTF_8);
            return switch (kind) {
                case 0 -> java.util.Arrays.copyOf(page, at);                               // truncate
                case 1 -> {                                                                // flip a byte
                    byte[] copy = page.clone();
                    copy[Math.min(at, copy.length - 1)] ^= (byte) (length | 1);
                    yield copy;
                }
                case 2 -> (text.substring(0, at) + text.substring(Math.min(text.length(), at + length)))
                        .getBytes(StandardCharsets.UTF_8);                                 // delete a span
                case 3 -> (text.substring(0, at) + text.substring(at, Math.min(text.length(), at + length))
                        + text.substring(at)).getBytes(StandardCharsets.UTF_8);            // duplicate a span
                default -> swapValue(text, at).getBytes(StandardCharsets.UTF_8);          // a hostile value
            };
        }

        private String swapValue(String text, int at) {
            int colon = text.indexOf(':', at);
            if (colon < 0) {
                colon = text.indexOf(':');
            }
            int end = colon + 1;
            int depth = 0;
            boolean quoted = false;
            while (end < text.length()) {
                char c = text.charAt(end);
                if (c == '"' && text.charAt(end - 1) != '\\') {
                    quoted = !quoted;
                } else if (!quoted && (c == '{' || c == '[')) {
                    depth++;
                } else if (!quoted && (c == '}' || c == ']')) {
                    if (depth == 0) {
                        break;
                    }
                    depth--;
                } else if (!quoted && c == ',' && depth == 0) {
                    break;
                }
                end++;
            }
            return text.substring(0, colon + 1) + " " + value + text.substring(end);
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 4),
                Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(1, 64), Arbitraries.of(HOSTILE))
                .as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    private static byte[] mutate(byte[] page, List<Mutation> mutations) {
        byte[] result = page;
        for (Mutation mutation : mutations) {
            if (result.length > 0) {
                result = mutation.apply(result);
            }
        }
        return result;
    }

    @Property
    void aMutatedCostPageParsesWithinBoundsOrFailsWithOurError(@ForAll("mutations") List<Mutation> mutations) {
        byte[] body = mutate(COST_PAGE, mutations);
        try {
            CostPage page = PARSER.parseCostPage(body);
            for (CostDay day : page.days()) {
                for (CostRow row : day.rows()) {
                    assertThat(row.amountCents()).isBetween(BigDecimal.ZERO, ReportParser.MAX_AMOUNT_CENTS);
                    assertThat(row.currency()).isEqualTo("USD");
                }
            }
        } catch (ReportParseException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property
    void aMutatedUsagePageParsesWithinBoundsOrFailsWithOurError(@ForAll("mutations") List<Mutation> mutations) {
        byte[] body = mutate(USAGE_PAGE, mutations);
        try {
            UsagePage page = PARSER.parseUsagePage(body, BucketWidth.HOUR);
            for (UsageBucket bucket : page.buckets()) {
                assertThat(bucket.end()).isEqualTo(bucket.start().plusSeconds(3600));
                for (UsageRow row : bucket.rows()) {
                    assertThat(List.of(row.uncachedInputTokens(), row.outputTokens(), row.cacheReadInputTokens(),
                            row.cacheCreation5mInputTokens(), row.cacheCreation1hInputTokens(),
                            row.webSearchRequests())).allMatch(count -> count >= 0);
                }
            }
        } catch (ReportParseException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 25)
    void throughTheRealJobNothingFromABadPageIsStored(@ForAll("mutations") List<Mutation> mutations) {
        api.reset();
        Fixture system = new Fixture(api);
        system.setCostWatermark("2026-08-02T00:00:00Z");
        List<CostDay> first = Fixture.costDays("2026-08-02", "2026-08-04", "1");
        system.api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.json(
                ReportJsonWriter.costPage(first, true, "page_2"))));
        byte[] bad = mutate(ReportJsonWriter.costPage(COST, false, null).getBytes(StandardCharsets.UTF_8), mutations);
        system.api.server().stubFor(FakeAdminApi.costPage("page_2").willReturn(Fixture.json(
                new String(bad, StandardCharsets.UTF_8))));
        CostPage parsed = null;
        try {
            parsed = PARSER.parseCostPage(bad);
        } catch (ReportParseException expected) {
            // the job must fail the same way
        }
        try {
            system.cost.run(Fixture.DAILY, api.deadline());
        } catch (RuntimeException e) {
            assertThat(e).isInstanceOfAny(ReportParseException.class,
                    org.costobservatory.anthropic.PaginationException.class);
        }
        for (CostDay day : first) {
            assertThat(system.components.reports().costDay(day.date())).isPresent();
        }
        if (parsed == null) {
            for (LocalDate day = LocalDate.parse("2026-08-05"); !day.isAfter(LocalDate.parse("2026-08-13"));
                 day = day.plusDays(1)) {
                assertThat(system.components.reports().costDay(day)).as("day %s of a bad page", day).isEmpty();
            }
            assertThat(system.costWatermark()).isBeforeOrEqualTo(Fixture.midnight("2026-08-05"));
        }
    }
}
