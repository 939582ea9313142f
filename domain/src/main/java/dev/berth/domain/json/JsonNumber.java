package dev.berth.domain.json;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.OptionalLong;

/** A JSON number, kept exact: sizes and versions must not pass through a {@code double}. */
public record JsonNumber(BigDecimal value) implements JsonValue {

    public JsonNumber {
        Objects.requireNonNull(value, "value");
    }

    /** The value as a {@code long}, or empty when it has a fractional part or does not fit. */
    public OptionalLong asExactLong() {
        try {
            return OptionalLong.of(value.longValueExact());
        } catch (ArithmeticException notAnExactLong) {
            return OptionalLong.empty();
        }
    }
}
