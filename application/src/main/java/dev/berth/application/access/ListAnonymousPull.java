package dev.berth.application.access;

import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.RepositoryPattern;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: the repository patterns anybody may pull without signing in, for admins. */
@Dependent
public class ListAnonymousPull {

    private final UserDirectory users;

    @Inject
    public ListAnonymousPull(UserDirectory users) {
        this.users = users;
    }

    public List<RepositoryPattern> list(Caller actor) {
        Administration.requireAdmin(actor);
        return users.anonymousPull();
    }
}
