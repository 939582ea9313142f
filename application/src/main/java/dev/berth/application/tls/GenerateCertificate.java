package dev.berth.application.tls;

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
    private final Clock clock;

    @Inject
    public GenerateCertificate(CertificateStore store, CertificateIssuer issuer, Clock clock) {
        this.store = store;
        this.issuer = issuer;
        this.clock = clock;
    }

    public CertificateSummary signedByLocalAuthority(List<Hostname> hostnames) {
        return stage(LocalAuthority.issueServer(issuer, LocalAuthority.ensure(store, issuer, clock), hostnames, clock));
    }

    public CertificateSummary selfSigned(List<Hostname> hostnames) {
        return stage(LocalAuthority.issueServer(issuer, null, hostnames, clock));
    }

    private CertificateSummary stage(CertificateIssuer.KeyedChain certificate) {
        store.stage(certificate);
        return CertificateSummary.of(certificate.leaf(), clock);
    }
}
