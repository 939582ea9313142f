package dev.berth.application.port;

import dev.berth.domain.RepositoryName;

import java.util.List;
import java.util.Optional;

/** Port: which image repositories exist. A repository exists from its first upload or push. */
public interface RepositoryCatalog {

    /** Creates the repository if it does not exist yet; safe under concurrency. */
    void ensure(RepositoryName name);

    boolean exists(RepositoryName name);

    /**
     * Up to {@code limit} repository names in lexical (byte) order, strictly after {@code after}
     * when present. Cost is O(limit), not O(number of repositories).
     */
    List<RepositoryName> list(Optional<String> after, int limit);
}
