package org.costobservatory.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;

/** The one ObjectMapper configuration used everywhere: tolerant reading, exact decimals, ISO dates. */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeText())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads a request body into a tree. A number that Java's {@link BigDecimal} cannot hold at all (an exponent
     * beyond the int range, say) is refused naming where it is, instead of failing deep inside the tree reader.
     *
     * @throws UnreadableNumber naming the top-level field that holds the number
     * @throws IOException      when the body is not JSON
     */
    public static JsonNode readBody(byte[] body) throws IOException {
        try (JsonParser parser = MAPPER.createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT) {
                    try {
                        new BigDecimal(parser.getText());
                    } catch (NumberFormatException e) {
                        throw new UnreadableNumber(topLevelField(parser.getParsingContext().pathAsPointer()));
                    }
                }
            }
        }
        return MAPPER.readTree(body);
    }

    private static String topLevelField(JsonPointer pointer) {
        String field = pointer.getMatchingProperty();
        return field == null || field.isEmpty() ? "body" : field;
    }

    /** A number in a request body that no decimal can hold. */
    public static final class UnreadableNumber extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;

        UnreadableNumber(String field) {
            super(field + ": must be a number within range");
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
