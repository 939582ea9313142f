package dev.berth.application.tls;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.List;

/** Use case: which certificate does HTTPS serve, with its chain (leaf first); empty when none. */
@Dependent
public class ShowServedCertificate {

    private final CertificateStore store;
    private final Clock clock;

    @Inject
    public ShowServedCertificate(CertificateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public List<CertificateSummary> chain() {
        return store.served().map(c -> CertificateSummary.of(c.chain(), clock)).orElse(List.of());
    }
}
