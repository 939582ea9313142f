package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: the audit entry of a sign-out from the admin UI, the counterpart of its login entry. */
@Dependent
public class RecordSignOut {

    public static final String ACTION = "logout";

    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public RecordSignOut(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    public void record(Caller caller, String address) {
        Administration.audit(audit, clock.instant(), caller, address, ACTION, "admin UI", true, "");
    }
}
