package dev.berth.domain.access;

import dev.berth.domain.RepositoryName;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who makes a request and what they may do: a user (or nobody) with the grants that apply, and
 * what narrows them: a robot token's scope, a bearer token's access claims. Anonymous pull grants
 * are part of everyone's grants.
 *
 * @param user        empty for an anonymous caller
 * @param grants      what the user (or anybody) is granted
 * @param robot       present when a robot token acts for the user: everything the caller does and
 *                    sees stays inside its scope
 * @param tokenAccess present for a bearer token: its access claims, which an action needs too (a
 *                    listing does not: a token names only the repositories its client asked for)
 */
public record Caller(Optional<User> user, List<Grant> grants, Optional<Robot> robot,
                     Optional<List<Grant>> tokenAccess) {

    public Caller {
        grants = List.copyOf(grants);
        tokenAccess = tokenAccess.map(List::copyOf);
    }

    public Caller(Optional<User> user, List<Grant> grants, Optional<Robot> robot) {
        this(user, grants, robot, Optional.empty());
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

    /** An administrator's own credential; a robot of an administrator is none: it keeps to its scope. */
    public boolean admin() {
        return userIsAdmin() && robot.isEmpty();
    }

    private boolean userIsAdmin() {
        return user.map(User::admin).orElse(false);
    }

    /** Whether the user's grants allow it, whatever the credential's scope. */
    public boolean granted(Action action, RepositoryName repository) {
        return userIsAdmin() || grants.stream().anyMatch(g -> g.allows(action, repository));
    }

    /**
     * Whether the credential behind the caller may do it: the user's grants within a robot's scope,
     * whatever access a bearer token names (a new token could name it).
     */
    public boolean entitled(Action action, RepositoryName repository) {
        return granted(action, repository) && robot.map(r -> r.covers(action, repository)).orElse(true);
    }

    public boolean allows(Action action, RepositoryName repository) {
        return entitled(action, repository)
                && tokenAccess.map(l -> l.stream().anyMatch(g -> g.allows(action, repository))).orElse(true);
    }

    /** The same caller acting as {@code robot}: limited to its scope. */
    public Caller as(Robot robot) {
        return new Caller(user, grants, Optional.of(robot), tokenAccess);
    }

    /** The same caller with its actions further limited to a bearer token's {@code access}. */
    public Caller withTokenAccess(List<Grant> access) {
        return new Caller(user, grants, robot, Optional.of(access));
    }

    /** The caller without a bearer token's access claims: what a listing (the catalog) may show it. */
    public Caller entitlement() {
        return new Caller(user, grants, robot, Optional.empty());
    }

    /**
     * The repositories the caller may do {@code action} to, as groups of patterns for a store to query
     * by: a name must match a pattern of every group. No group: every repository; an empty group: none.
     */
    public List<List<RepositoryPattern>> patternGroups(Action action) {
        List<List<RepositoryPattern>> groups = new ArrayList<>();
        if (!userIsAdmin()) {
            groups.add(patterns(grants, action));
        }
        robot.ifPresent(r -> groups.add(patterns(r.scope(), action)));
        tokenAccess.ifPresent(access -> groups.add(patterns(access, action)));
        // a group with '*' lets every name through: no condition needed
        groups.removeIf(group -> group.contains(RepositoryPattern.ALL));
        return groups;
    }

    private static List<RepositoryPattern> patterns(List<Grant> grants, Action action) {
        return grants.stream().filter(g -> g.actions().contains(action)).map(Grant::pattern).distinct().toList();
    }
}
