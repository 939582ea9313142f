package dev.berth.application.access;

import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.User;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: the users and their grants, for admins. */
@Dependent
public class ListUsers {

    public record Entry(User user, List<Grant> grants) {
    }

    private final UserDirectory users;

    @Inject
    public ListUsers(UserDirectory users) {
        this.users = users;
    }

    public List<Entry> list(Caller actor) {
        Administration.requireAdmin(actor);
        return users.list().stream().map(u -> new Entry(u, users.grants(u.name()))).toList();
    }
}
