package org.costobservatory.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;

/**
 * {@code java.time} values as ISO-8601 text, both ways: {@code Instant} {@code 2026-11-26T12:00:00Z},
 * {@code LocalDate} {@code 2026-11-26}, {@code YearMonth} {@code 2026-11}, date-times with their offset, zones by id,
 * durations and periods as {@code PT1H} and {@code P1D}. The few types Cost Observatory writes in records (run
 * summaries, log fields) need no more than this, and jackson-datatype-jsr310 would add 0.14 MB to every function's
 * package for it.
 */
final class JavaTimeText extends SimpleModule {
    private static final long serialVersionUID = 1L;

    JavaTimeText() {
        super("JavaTimeText");
        both(Instant.class, Instant::toString, Instant::parse);
        both(LocalDate.class, LocalDate::toString, LocalDate::parse);
        both(YearMonth.class, YearMonth::toString, YearMonth::parse);
        both(LocalDateTime.class, DateTimeFormatter.ISO_LOCAL_DATE_TIME::format, LocalDateTime::parse);
        both(LocalTime.class, DateTimeFormatter.ISO_LOCAL_TIME::format, LocalTime::parse);
        both(OffsetDateTime.class, DateTimeFormatter.ISO_OFFSET_DATE_TIME::format, OffsetDateTime::parse);
        both(ZonedDateTime.class, DateTimeFormatter.ISO_ZONED_DATE_TIME::format, ZonedDateTime::parse);
        both(Duration.class, Duration::toString, Duration::parse);
        both(Period.class, Period::toString, Period::parse);
        // ZoneId's concrete classes (ZoneRegion, ZoneOffset) are found through the superclass.
        both(ZoneId.class, ZoneId::getId, ZoneId::of);
    }

    private <T> void both(Class<T> type, Function<T, String> write, Function<String, T> read) {
        addSerializer(type, new StdScalarSerializer<>(type) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
                generator.writeString(write.apply(value));
            }
        });
        addDeserializer(type, new StdScalarDeserializer<>(type) {
            private static final long serialVersionUID = 1L;

            @Override
            public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                String text = parser.getValueAsString();
                if (text == null) {
                    return type.cast(context.handleUnexpectedToken(type, parser));
                }
                try {
                    return read.apply(text.strip());
                } catch (DateTimeException e) {
                    return type.cast(context.handleWeirdStringValue(type, text, "not an ISO-8601 %s: %s",
                            type.getSimpleName(), e.getMessage()));
                }
            }
        });
    }
}
