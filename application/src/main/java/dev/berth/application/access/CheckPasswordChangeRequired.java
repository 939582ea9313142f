package dev.berth.application.access;

import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * Use case: whether a signed-in user still has the password Berth generated for them (the initial
 * admin on a first start without {@code BERTH_ADMIN_PASSWORD}) and must choose their own first.
 */
@Dependent
public class CheckPasswordChangeRequired {

    private final UserDirectory users;

    @Inject
    public CheckPasswordChangeRequired(UserDirectory users) {
        this.users = users;
    }

    public boolean required(Caller caller) {
        return caller.user()
                .flatMap(user -> users.find(user.name()))
                .map(UserDirectory.StoredUser::passwordChangeRequired)
                .orElse(false);
    }
}
