package dev.berth.adminui;

import dev.berth.application.access.ChangePassword;
import dev.berth.application.access.CreateRobotToken;
import dev.berth.application.access.CreateUser;
import dev.berth.application.access.GrantAccess;
import dev.berth.application.access.ListAnonymousPull;
import dev.berth.application.access.ListRobotTokens;
import dev.berth.application.access.ListUsers;
import dev.berth.application.access.RevokeAccess;
import dev.berth.application.access.RevokeRobotToken;
import dev.berth.application.access.SetAnonymousPull;
import dev.berth.application.access.SetUserAdmin;
import dev.berth.application.access.SetUserEnabled;

import java.util.Optional;

/** What the users page and its parts call, with the session they call it for; injected together. */
record UserUseCases(AdminSession session, ListUsers listUsers, CreateUser createUser, SetUserEnabled setEnabled,
                    SetUserAdmin setAdmin, ChangePassword changePassword, GrantAccess grantAccess,
                    RevokeAccess revokeAccess, ListRobotTokens listTokens, CreateRobotToken createToken,
                    RevokeRobotToken revokeToken, ListAnonymousPull listAnonymous, SetAnonymousPull setAnonymous) {

    /** The user as listed now; empty when there is no such user (any more). */
    Optional<ListUsers.Entry> find(String name) {
        return listUsers.list(session.caller()).stream().filter(e -> e.user().name().equals(name)).findFirst();
    }

    /** Says how a change went; the page then shows the list and the user anew. */
    @FunctionalInterface
    interface Report {
        void report(boolean done, String message);
    }
}
