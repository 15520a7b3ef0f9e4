package org.costobservatory.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** java.time values in records and maps are ISO-8601 text, and read back from it. */
class JavaTimeTextTest {
    record Run(Instant started, LocalDate day, YearMonth month, ZoneId zone, Duration took, List<Instant> missing) {
    }

    @Test
    void valuesAreWrittenAsIsoText() throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("instant", Instant.parse("2026-11-26T12:00:00Z"));
        values.put("millis", Instant.parse("2026-11-26T12:00:00.250Z"));
        values.put("day", LocalDate.parse("2026-02-28"));
        values.put("month", YearMonth.parse("2026-11"));
        values.put("zone", ZoneId.of("Europe/Berlin"));
        values.put("offset", ZoneOffset.ofHours(-5));
        values.put("at", OffsetDateTime.parse("2026-11-26T12:00Z"));
        values.put("took", Duration.ofMinutes(90));

        assertThat(Json.mapper().writeValueAsString(values)).isEqualTo("{\"instant\":\"2026-11-26T12:00:00Z\","
                + "\"millis\":\"2026-11-26T12:00:00.250Z\",\"day\":\"2026-02-28\",\"month\":\"2026-11\","
                + "\"zone\":\"Europe/Berlin\",\"offset\":\"-05:00\",\"at\":\"2026-11-26T12:00:00Z\","
                + "\"took\":\"PT1H30M\"}");
    }

    @Test
    void aRecordRoundTrips() throws Exception {
        Run run = new Run(Instant.parse("2026-11-26T02:30:00Z"), LocalDate.parse("2026-11-25"),
                YearMonth.parse("2026-11"), ZoneId.of("America/New_York"), Duration.ofSeconds(42),
                List.of(Instant.parse("2026-11-25T23:00:00Z")));

        String text = Json.mapper().writeValueAsString(run);

        assertThat(text).contains("\"started\":\"2026-11-26T02:30:00Z\"").contains("\"took\":\"PT42S\"");
        assertThat(Json.mapper().readValue(text, Run.class)).isEqualTo(run);
    }

    @Test
    void textThatIsNoDateIsRefusedNamingTheTypeAndTheField() {
        assertThatThrownBy(() -> Json.mapper().readValue("{\"day\":\"2026-02-30\"}", Run.class))
                .isInstanceOf(InvalidFormatException.class)
                .hasMessageContaining("not an ISO-8601 LocalDate").hasMessageContaining("\"day\"");
        assertThatThrownBy(() -> Json.mapper().readValue("{\"started\":[1]}", Run.class))
                .hasMessageContaining("Instant");
    }
}
