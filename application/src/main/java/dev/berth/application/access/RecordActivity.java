package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: the audit entry of a registry change (a push or a delete) made through the API. */
@Dependent
public class RecordActivity {

    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public RecordActivity(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** @param action {@code push} or {@code delete}; @param target e.g. {@code team-a/app:v1} */
    public void record(Caller caller, String address, String action, String target) {
        Administration.audit(audit, clock.instant(), caller, address, action, target, true, "");
    }
}
