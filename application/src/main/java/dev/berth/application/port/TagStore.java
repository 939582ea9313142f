package dev.berth.application.port;

import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;

import java.util.List;
import java.util.Optional;

/** Port: tags, each pointing at one manifest of its repository. */
public interface TagStore {

    /** Points the tag at the manifest (moving it if it pointed elsewhere). */
    void tag(RepositoryName repository, Tag tag, Digest manifest);

    Optional<Digest> resolve(RepositoryName repository, Tag tag);

    /**
     * Up to {@code limit} tags of the repository in lexical (byte) order, strictly after
     * {@code after} when present. Cost is O(limit).
     */
    List<Tag> list(RepositoryName repository, Optional<String> after, int limit);

    /** @return whether the tag existed */
    boolean untag(RepositoryName repository, Tag tag);
}
