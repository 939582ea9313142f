package dev.berth.application.access;

import dev.berth.application.port.AdminSessionStore;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Use case: a sign-out ends the sign-in on every node (its secret resumes nothing any more). */
@Dependent
public class EndAdminSession {

    private final AdminSessionStore sessions;

    @Inject
    public EndAdminSession(AdminSessionStore sessions) {
        this.sessions = sessions;
    }

    public void end(String secret) {
        if (secret != null && !secret.isEmpty() && secret.length() <= 100) {
            sessions.remove(VerifiedPasswords.sha256(secret));
        }
    }
}
