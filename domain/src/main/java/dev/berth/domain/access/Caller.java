package dev.berth.domain.access;

import dev.berth.domain.RepositoryName;

import java.util.List;
import java.util.Optional;

/**
 * Who makes a request and what they may do: a user (or nobody) with the grants that apply, and,
 * for a token or robot credential, the narrower scope that credential carries. Anonymous pull
 * grants are part of everyone's grants.
 *
 * @param user   empty for an anonymous caller
 * @param grants what the user (or anybody) is granted
 * @param limit  when present, the credential's own scope: an action needs it too
 */
public record Caller(Optional<User> user, List<Grant> grants, Optional<List<Grant>> limit) {

    public Caller {
        grants = List.copyOf(grants);
        limit = limit.map(List::copyOf);
    }

    public static Caller anonymous(List<Grant> anonymousGrants) {
        return new Caller(Optional.empty(), anonymousGrants, Optional.empty());
    }

    /** Everything allowed, as in open mode. */
    public static Caller unrestricted() {
        return new Caller(Optional.empty(), List.of(new Grant(RepositoryPattern.ALL, java.util.EnumSet.allOf(Action.class))),
                Optional.empty());
    }

    public boolean authenticated() {
        return user.isPresent();
    }

    public String name() {
        return user.map(User::name).orElse("anonymous");
    }

    public boolean admin() {
        return user.map(User::admin).orElse(false);
    }

    /** Whether the user's grants allow it, whatever the credential's scope. */
    public boolean granted(Action action, RepositoryName repository) {
        return admin() || grants.stream().anyMatch(g -> g.allows(action, repository));
    }

    public boolean allows(Action action, RepositoryName repository) {
        return granted(action, repository)
                && limit.map(l -> l.stream().anyMatch(g -> g.allows(action, repository))).orElse(true);
    }

    /** The same caller with its actions further limited to {@code scope}. */
    public Caller limitedTo(List<Grant> scope) {
        return new Caller(user, grants, Optional.of(scope));
    }
}
