package dev.berth.application.tls;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: throw away the staged certificate (and its key) unserved; what HTTPS serves stays. */
@Dependent
public class DiscardStagedCertificate {

    private final CertificateStore store;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public DiscardStagedCertificate(CertificateStore store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** Admins only; audited as {@code certificate-discard}. */
    public CertificateSummary discard(Caller actor, String address) {
        Administration.requireAdmin(actor);
        CertificateIssuer.KeyedChain staged = store.staged().orElse(null);
        if (staged == null) {
            Administration.audit(audit, clock.instant(), actor, address, "certificate-discard", "staged", false,
                    "nothing staged");
            throw new CertificateRejectedException("nothing is staged: there is no certificate to discard");
        }
        store.clearStaged();
        CertificateSummary summary = CertificateSummary.of(staged.leaf(), clock);
        Administration.audit(audit, clock.instant(), actor, address, "certificate-discard", "staged", true,
                summary.auditDetail());
        return summary;
    }
}
