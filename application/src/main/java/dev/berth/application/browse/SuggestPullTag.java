package dev.berth.application.browse;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Use case: the tag a repository page's pull command offers. "latest" may not exist (copy-paste
 * then fails with "manifest unknown"), so it is the most recently pushed tag of an image or index;
 * a signature or SBOM tagged later is nothing to run, so it is offered only when nothing else is.
 */
@Dependent
public class SuggestPullTag {

    /** Tags looked at for an image, newest first: artifacts pushed after an image are a handful. */
    static final int LOOK_AT = 20;

    private final ListTagDetails tags;

    @Inject
    public SuggestPullTag(ListTagDetails tags) {
        this.tags = tags;
    }

    /**
     * @return empty when the repository has no tags
     * @throws dev.berth.domain.error.DeniedException when the caller may not pull from the repository
     */
    public Optional<Tag> suggest(Caller caller, RepositoryName repository) {
        var newest = tags.page(caller, repository, "", TagSort.PUSHED, true, 0, LOOK_AT);
        return newest.stream().filter(t -> t.artifactType().isEmpty()).findFirst()
                .or(() -> newest.stream().findFirst())
                .map(TagSummary::tag);
    }
}
