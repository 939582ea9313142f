package dev.berth.adapters.db;

import dev.berth.application.port.RepositoryFilter;
import dev.berth.domain.access.RepositoryPattern;
import jakarta.persistence.Query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RepositoryFilter} as SQL conditions on {@code repository r}: LIKE patterns with bound
 * values, so that PostgreSQL filters and nothing is fetched only to be dropped.
 */
final class RepositoryConditions {

    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();

    private RepositoryConditions() {
    }

    static RepositoryConditions of(RepositoryFilter filter) {
        RepositoryConditions where = new RepositoryConditions();
        if (!filter.nameContains().isEmpty()) {
            where.like("contains", "%" + escapeLike(filter.nameContains()) + "%");
        }
        if (!filter.namespace().isEmpty()) {
            // a prefix: the index on name serves it (the column's collation is "C")
            where.like("namespace", escapeLike(filter.namespace()) + "/%");
        }
        for (int g = 0; g < filter.patternGroups().size(); g++) {
            List<String> any = new ArrayList<>();
            List<RepositoryPattern> group = filter.patternGroups().get(g);
            for (int p = 0; p < group.size(); p++) {
                String name = "pattern" + g + "_" + p;
                any.add("r.name LIKE :" + name);
                // '*' is any characters, slashes included: LIKE's %
                where.parameters.put(name, escapeLike(group.get(p).value()).replace("*", "%"));
            }
            where.conditions.add("(" + String.join(" OR ", any) + ")");
        }
        return where;
    }

    /**
     * Text that LIKE matches literally. Backslash is PostgreSQL's default LIKE escape, so no ESCAPE
     * clause is needed (one would put a backslash into the SQL for Hibernate's parser to misread).
     */
    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private void like(String name, String pattern) {
        conditions.add("r.name LIKE :" + name);
        parameters.put(name, pattern);
    }

    /** {@code WHERE ...} with the extra conditions too, or "" when there is none. */
    String where(String... extra) {
        List<String> all = new ArrayList<>(List.of(extra));
        all.addAll(conditions);
        return all.isEmpty() ? "" : " WHERE " + String.join(" AND ", all);
    }

    <Q extends Query> Q bind(Q query) {
        parameters.forEach(query::setParameter);
        return query;
    }
}
