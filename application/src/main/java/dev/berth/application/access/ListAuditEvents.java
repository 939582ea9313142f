package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: the newest audit events, for admins. */
@Dependent
public class ListAuditEvents {

    private final AuditLog audit;

    @Inject
    public ListAuditEvents(AuditLog audit) {
        this.audit = audit;
    }

    public List<AuditLog.Event> recent(Caller actor, int limit) {
        Administration.requireAdmin(actor);
        return audit.recent(Math.max(1, Math.min(limit, 1000)));
    }
}
