package dev.berth.application.tls;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.logging.Logger;

/** Use case: HTTPS serves the staged certificate from the next new connection on, without a restart. */
@Dependent
public class ActivateCertificate {

    private static final Logger LOG = Logger.getLogger(ActivateCertificate.class.getName());

    private final CertificateStore store;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public ActivateCertificate(CertificateStore store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** Admins only; audited as {@code certificate-activate}. */
    public CertificateSummary activate(Caller actor, String address) {
        Administration.requireAdmin(actor);
        CertificateIssuer.KeyedChain staged;
        try {
            staged = store.staged().orElseThrow(() ->
                    new CertificateRejectedException("no certificate to activate: generate or import one first"));
            ImportCertificate.requireCurrentlyValid(staged.leaf(), clock);
        } catch (CertificateRejectedException e) {
            Administration.audit(audit, clock.instant(), actor, address, "certificate-activate", "served", false,
                    e.getMessage());
            throw e;
        }
        store.serve(staged);
        store.clearStaged();
        CertificateSummary summary = CertificateSummary.of(staged.leaf(), clock);
        Administration.audit(audit, clock.instant(), actor, address, "certificate-activate", "served", true,
                summary.auditDetail());
        LOG.info(() -> "Activated the certificate for " + summary.subject() + " " + summary.subjectAlternativeNames()
                + ", SHA-256 " + summary.sha256Fingerprint() + ", valid until " + summary.notAfter());
        return summary;
    }
}
