package dev.berth.adapters.db;

import jakarta.persistence.Query;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** Column values of native queries, whichever Java type the driver chose for them. */
final class Rows {

    private Rows() {
    }

    /** The rows of a native query selecting several columns. */
    @SuppressWarnings("unchecked")
    static Stream<Object[]> of(Query query) {
        return ((List<Object[]>) query.getResultList()).stream();
    }

    static Instant instant(Object value) {
        return switch (value) {
            case null -> null;
            case Instant i -> i;
            case OffsetDateTime o -> o.toInstant();
            case Timestamp t -> t.toInstant();
            default -> throw new IllegalStateException("not a timestamp: " + value.getClass());
        };
    }

    static UUID uuid(Object value) {
        return value instanceof UUID u ? u : UUID.fromString(value.toString());
    }

    static boolean bool(Object value) {
        return value instanceof Boolean b ? b : Boolean.parseBoolean(value.toString());
    }
}
