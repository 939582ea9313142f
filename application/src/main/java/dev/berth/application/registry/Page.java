package dev.berth.application.registry;

import java.util.List;

/**
 * One page of a list (tags, repositories) in lexical order.
 *
 * @param more whether entries remain after the last one (the HTTP layer adds a Link: rel="next")
 */
public record Page<T>(List<T> items, boolean more) {

    public Page {
        items = List.copyOf(items);
    }

    /** Pages are fetched one entry long to learn whether more remain without counting. */
    static <T> Page<T> of(List<T> fetched, int limit) {
        return fetched.size() > limit ? new Page<>(fetched.subList(0, limit), true) : new Page<>(fetched, false);
    }
}
