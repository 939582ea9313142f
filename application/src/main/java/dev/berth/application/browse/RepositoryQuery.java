package dev.berth.application.browse;

import java.util.Locale;

/**
 * What the repository grid shows.
 *
 * @param nameContains part of the name, "" for all; case does not matter (names are lower case)
 * @param namespace    "" for all, else only names that start with {@code namespace + "/"}; a trailing "/" is dropped
 * @param sort         null means {@link RepositorySort#NAME}
 */
public record RepositoryQuery(String nameContains, String namespace, RepositorySort sort, boolean descending) {

    public RepositoryQuery {
        nameContains = nameContains == null ? "" : nameContains.strip().toLowerCase(Locale.ROOT);
        // "team-a/" means the namespace team-a too
        namespace = namespace == null ? "" : namespace.strip().replaceAll("/+$", "");
        sort = sort == null ? RepositorySort.NAME : sort;
    }
}
