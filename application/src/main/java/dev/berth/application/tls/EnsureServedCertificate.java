package dev.berth.application.tls;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * Use case, at start in managed mode: make sure HTTPS has a certificate. Without one, Berth makes
 * its local CA (once) and a server certificate for the configured host names plus the loopback
 * names. A certificate from the local CA is renewed when it nears its end ({@value #RENEW_DAYS}
 * days) or no longer covers a configured name; a certificate from anyone else is left alone.
 */
@Dependent
public class EnsureServedCertificate {

    static final int RENEW_DAYS = 30;
    private static final Logger LOG = Logger.getLogger(EnsureServedCertificate.class.getName());

    private final CertificateStore store;
    private final CertificateIssuer issuer;
    private final Clock clock;

    @Inject
    public EnsureServedCertificate(CertificateStore store, CertificateIssuer issuer, Clock clock) {
        this.store = store;
        this.issuer = issuer;
        this.clock = clock;
    }

    public CertificateSummary ensure(List<Hostname> hostnames) {
        var served = store.served();
        if (served.isPresent() && !renewable(served.get(), hostnames)) {
            return CertificateSummary.of(served.get().leaf(), clock);
        }
        CertificateIssuer.KeyedChain authority = LocalAuthority.ensure(store, issuer, clock);
        CertificateIssuer.KeyedChain certificate = LocalAuthority.issueServer(issuer, authority, hostnames, clock);
        store.serve(certificate);
        CertificateSummary summary = CertificateSummary.of(certificate.leaf(), clock);
        LOG.info(() -> (served.isPresent() ? "Renewed" : "Generated") + " the server certificate for "
                + summary.subjectAlternativeNames() + " from Berth's local CA, valid until " + summary.notAfter());
        return summary;
    }

    private boolean renewable(CertificateIssuer.KeyedChain served, List<Hostname> hostnames) {
        var authority = store.authority();
        if (authority.isEmpty() || !issuedBy(served, authority.get())) {
            return false;
        }
        CertificateSummary summary = CertificateSummary.of(served.leaf(), clock);
        boolean expiring = summary.notAfter().isBefore(clock.instant().plus(Duration.ofDays(RENEW_DAYS)));
        boolean missingName = LocalAuthority.withLoopback(hostnames).stream()
                .map(h -> (h.ipAddress() ? "IP:" : "DNS:") + h.value())
                .anyMatch(name -> !summary.subjectAlternativeNames().contains(name));
        return expiring || missingName;
    }

    static boolean issuedBy(CertificateIssuer.KeyedChain served, CertificateIssuer.KeyedChain authority) {
        try {
            served.leaf().verify(authority.leaf().getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
