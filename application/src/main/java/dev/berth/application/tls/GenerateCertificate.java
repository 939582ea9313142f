package dev.berth.application.tls;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.List;

/**
 * Use case: a new server certificate for {@code hostnames} (plus localhost, 127.0.0.1 and ::1),
 * staged for activation: signed by Berth's local CA (made on first use), or self-signed.
 */
@Dependent
public class GenerateCertificate {

    private final CertificateStore store;
    private final CertificateIssuer issuer;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public GenerateCertificate(CertificateStore store, CertificateIssuer issuer, AuditLog audit, Clock clock) {
        this.store = store;
        this.issuer = issuer;
        this.audit = audit;
        this.clock = clock;
    }

    /** Admins only; audited as {@code certificate-generate}. */
    public CertificateSummary signedByLocalAuthority(Caller actor, String address, List<Hostname> hostnames) {
        Administration.requireAdmin(actor);
        return stage(actor, address, LocalAuthority.issueServer(issuer, LocalAuthority.ensure(store, issuer, clock),
                hostnames, clock), "local CA");
    }

    /** Admins only; audited as {@code certificate-generate}. */
    public CertificateSummary selfSigned(Caller actor, String address, List<Hostname> hostnames) {
        Administration.requireAdmin(actor);
        return stage(actor, address, LocalAuthority.issueServer(issuer, null, hostnames, clock), "self-signed");
    }

    private CertificateSummary stage(Caller actor, String address, CertificateIssuer.KeyedChain certificate,
                                     String how) {
        store.stage(certificate);
        CertificateSummary summary = CertificateSummary.of(certificate.leaf(), clock);
        Administration.audit(audit, clock.instant(), actor, address, "certificate-generate", "staged", true,
                how + ": " + summary.auditDetail());
        return summary;
    }
}
