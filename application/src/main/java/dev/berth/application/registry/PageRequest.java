package dev.berth.application.registry;

import dev.berth.domain.error.PaginationNumberInvalidException;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code n} and {@code last} of a list request. The page size is clamped to the configured maximum
 * before anything is fetched or allocated (CVE-2023-2253: never allocate by {@code n}).
 */
public record PageRequest(Optional<String> last, int limit) {

    /** @param n the client's n, when it sent one; absent means the largest page */
    public static PageRequest of(Optional<String> last, OptionalInt n, RegistrySettings settings) {
        int requested = n.orElse(settings.maxPageSize());
        if (requested < 0) {
            throw new PaginationNumberInvalidException("n must not be negative");
        }
        return new PageRequest(last.filter(l -> !l.isEmpty()), Math.min(requested, settings.maxPageSize()));
    }
}
