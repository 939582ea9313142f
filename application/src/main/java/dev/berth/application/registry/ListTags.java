package dev.berth.application.registry;

import dev.berth.application.port.TagStore;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: a page of a repository's tags in lexical order. */
@Dependent
public class ListTags {

    private final TagStore tags;
    private final RepositoryGuard guard;

    @Inject
    public ListTags(TagStore tags, RepositoryGuard guard) {
        this.tags = tags;
        this.guard = guard;
    }

    public Page<Tag> list(RepositoryName repository, PageRequest request) {
        if (request.limit() == 0) {
            guard.requireExisting(repository);
            return new Page<>(List.of(), false);
        }
        List<Tag> found = tags.list(repository, request.last(), request.limit() + 1);
        if (found.isEmpty()) {
            // tags prove the repository exists; only an empty page needs to ask
            guard.requireExisting(repository);
        }
        return Page.of(found, request.limit());
    }
}
