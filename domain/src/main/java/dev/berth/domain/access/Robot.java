package dev.berth.domain.access;

import dev.berth.domain.RepositoryName;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A robot token acting for its user: it may do only what its scope covers, within the user's grants.
 *
 * @param id    the robot token's id, so that a token issued to it can be checked against its revocation
 * @param scope what the robot may do, e.g. {@code ci/*:pull}
 */
public record Robot(UUID id, List<Grant> scope) {

    public Robot {
        Objects.requireNonNull(id, "id");
        scope = List.copyOf(scope);
    }

    public boolean covers(Action action, RepositoryName repository) {
        return scope.stream().anyMatch(g -> g.allows(action, repository));
    }
}
