package dev.berth.application.maintenance;

import dev.berth.application.port.MaintenanceStore;
import dev.berth.application.port.TagStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.ImmutableTagRule;
import dev.berth.domain.error.DeniedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Enforces the immutable tag rules for the use cases that move or delete tags: a protected tag,
 * once pushed, keeps its manifest. Refusals are {@code DENIED} with a message naming the rule (the
 * part of an error that docker and skopeo print).
 */
@Dependent
public class ImmutableTags {

    private static final int PAGE = 1000;

    private final MaintenanceStore store;
    private final TagStore tags;

    @Inject
    public ImmutableTags(MaintenanceStore store, TagStore tags) {
        this.store = store;
        this.tags = tags;
    }

    /** Pushing the digest it has already, or a tag's first push, is fine. @throws DeniedException when it would move */
    public void requireMovable(RepositoryName repository, Tag tag, Digest to) {
        Optional<ImmutableTagRule> rule = rule(store.immutableTagRules(), repository, tag);
        if (rule.isEmpty()) {
            return;
        }
        tags.resolve(repository, tag).filter(current -> !current.equals(to)).ifPresent(current -> {
            throw DeniedException.byRule("tag " + repository + ":" + tag + " is immutable (rule " + rule.get()
                    + "): it stays at " + current);
        });
    }

    /** @throws DeniedException when a rule protects the tag */
    public void requireDeletable(RepositoryName repository, Tag tag) {
        rule(store.immutableTagRules(), repository, tag).ifPresent(rule -> {
            throw refusedDelete(repository, tag, rule);
        });
    }

    /** Deleting a manifest deletes its tags too. @throws DeniedException when a rule protects one of them */
    public void requireDeletable(RepositoryName repository, Digest manifest) {
        List<ImmutableTagRule> rules = store.immutableTagRules();
        if (rules.isEmpty()) {
            return;
        }
        for (Tag tag : tags.tagsOf(repository, manifest)) {
            rule(rules, repository, tag).ifPresent(rule -> {
                throw refusedDelete(repository, tag, rule);
            });
        }
    }

    /** Deleting a repository deletes all its tags. @throws DeniedException when a rule protects one of them */
    public void requireDeletable(RepositoryName repository) {
        List<ImmutableTagRule> rules = store.immutableTagRules();
        if (rules.stream().noneMatch(r -> r.repositories().matches(repository))) {
            return;
        }
        Optional<String> after = Optional.empty();
        List<Tag> page;
        do {
            page = tags.list(repository, after, PAGE);
            for (Tag tag : page) {
                rule(rules, repository, tag).ifPresent(rule -> {
                    throw refusedDelete(repository, tag, rule);
                });
            }
            after = page.isEmpty() ? after : Optional.of(page.getLast().value());
        } while (page.size() == PAGE);
    }

    private static DeniedException refusedDelete(RepositoryName repository, Tag tag, ImmutableTagRule rule) {
        return DeniedException.byRule("tag " + repository + ":" + tag + " is immutable (rule " + rule
                + "): it cannot be deleted");
    }

    /** The tags the rules protect, as the rules are now (read once, for checking many tags). */
    public BiPredicate<RepositoryName, Tag> protectedTags() {
        List<ImmutableTagRule> rules = store.immutableTagRules();
        return (repository, tag) -> rule(rules, repository, tag).isPresent();
    }

    private static Optional<ImmutableTagRule> rule(List<ImmutableTagRule> rules, RepositoryName repository, Tag tag) {
        return rules.stream().filter(r -> r.matches(repository, tag)).findFirst();
    }
}
