package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: audit events by who, what, when and outcome, newest first, a page at a time; for admins. */
@Dependent
public class SearchAuditEvents {

    /** The actions Berth records, for choosing one; a search may name any other. */
    public static final List<String> KNOWN_ACTIONS = List.of("login", RecordSignOut.ACTION, "push", "delete", "create-user",
            "enable-user", "disable-user", "make-admin", "remove-admin", "change-password", "grant", "revoke",
            "allow-anonymous-pull", "deny-anonymous-pull", "create-robot-token", "revoke-robot-token",
            "import-htpasswd", "certificate-generate", "certificate-request", "certificate-import",
            "certificate-activate", "certificate-discard", "retry-deliveries");

    private final AuditLog audit;

    @Inject
    public SearchAuditEvents(AuditLog audit) {
        this.audit = audit;
    }

    /** At most {@link AuditLog#MAX_PAGE} events. */
    public List<AuditLog.Event> page(Caller actor, AuditLog.Filter filter, int offset, int limit) {
        Administration.requireAdmin(actor);
        return audit.search(filter, Math.max(0, offset), Math.max(0, Math.min(limit, AuditLog.MAX_PAGE)));
    }

    public long count(Caller actor, AuditLog.Filter filter) {
        Administration.requireAdmin(actor);
        return audit.count(filter);
    }
}
