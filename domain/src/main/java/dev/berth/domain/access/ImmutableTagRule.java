package dev.berth.domain.access;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;

import java.util.Objects;

/**
 * Tags that, once pushed, never move to another manifest and are never deleted: those matching
 * {@code tags} in the repositories matching {@code repositories}. Both are globs where {@code *}
 * stands for any characters ({@code team-a/*} and {@code v*}, say).
 */
public record ImmutableTagRule(RepositoryPattern repositories, String tags) {

    /** @throws IllegalArgumentException when {@code tags} has characters no tag has */
    public ImmutableTagRule {
        Objects.requireNonNull(repositories, "repositories");
        Objects.requireNonNull(tags, "tags");
        if (!tags.matches("[A-Za-z0-9_.*-]{1,128}")) {
            throw new IllegalArgumentException("tag pattern '" + tags
                    + "' must have 1 to 128 of A-Z, a-z, 0-9, '_', '.', '-' and '*'");
        }
    }

    public boolean matches(RepositoryName repository, Tag tag) {
        return repositories.matches(repository) && RepositoryPattern.matches(tags, tag.value());
    }

    /** e.g. {@code team-a/*:v*}, as messages and the admin UI name the rule. */
    @Override
    public String toString() {
        return repositories + ":" + tags;
    }
}
