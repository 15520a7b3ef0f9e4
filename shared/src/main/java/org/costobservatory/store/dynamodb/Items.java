package org.costobservatory.store.dynamodb;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Attribute value helpers for the hand-written item mappers. */
final class Items {
    private Items() {
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Money is stored as a plain decimal string, scale kept, so the console shows exactly what was received. */
    static AttributeValue money(BigDecimal value) {
        return AttributeValue.fromS(value.toPlainString());
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    static AttributeValue map(Map<String, AttributeValue> value) {
        return AttributeValue.fromM(value);
    }

    static AttributeValue list(List<AttributeValue> value) {
        return AttributeValue.fromL(value);
    }

    static AttributeValue strings(List<String> values) {
        return AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList());
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    static String str(Map<String, AttributeValue> item, String name, String fallback) {
        String value = str(item, name);
        return value == null ? fallback : value;
    }

    static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0L : Long.parseLong(value.n());
    }

    static BigDecimal dec(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null) {
            return BigDecimal.ZERO;
        }
        String text = value.s() != null ? value.s() : value.n();
        return text == null ? BigDecimal.ZERO : new BigDecimal(text);
    }

    static Optional<Instant> instant(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(str(item, name)).map(Instant::parse);
    }

    static boolean flag(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    static List<String> stringList(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || !value.hasL()) {
            return List.of();
        }
        return value.l().stream().map(AttributeValue::s).toList();
    }
}
