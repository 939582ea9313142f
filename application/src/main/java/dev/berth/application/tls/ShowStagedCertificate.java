package dev.berth.application.tls;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.List;

/** Use case: the certificate generated or imported and waiting to be activated (leaf first); empty when none. */
@Dependent
public class ShowStagedCertificate {

    private final CertificateStore store;
    private final Clock clock;

    @Inject
    public ShowStagedCertificate(CertificateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public List<CertificateSummary> chain() {
        return store.staged().map(c -> CertificateSummary.of(c.chain(), clock)).orElse(List.of());
    }
}
