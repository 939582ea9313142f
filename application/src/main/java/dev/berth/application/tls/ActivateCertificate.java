package dev.berth.application.tls;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.logging.Logger;

/** Use case: HTTPS serves the staged certificate from the next new connection on, without a restart. */
@Dependent
public class ActivateCertificate {

    private static final Logger LOG = Logger.getLogger(ActivateCertificate.class.getName());

    private final CertificateStore store;
    private final Clock clock;

    @Inject
    public ActivateCertificate(CertificateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public CertificateSummary activate() {
        CertificateIssuer.KeyedChain staged = store.staged().orElseThrow(() ->
                new CertificateRejectedException("no certificate to activate: generate or import one first"));
        ImportCertificate.requireCurrentlyValid(staged.leaf(), clock);
        store.serve(staged);
        store.clearStaged();
        CertificateSummary summary = CertificateSummary.of(staged.leaf(), clock);
        LOG.info(() -> "Activated the certificate for " + summary.subject() + " " + summary.subjectAlternativeNames()
                + ", SHA-256 " + summary.sha256Fingerprint() + ", valid until " + summary.notAfter());
        return summary;
    }
}
