package dev.berth.application.tls;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Use case: the certificate clients install to trust Berth (for Docker in
 * {@code /etc/docker/certs.d/HOST:PORT/ca.crt}): Berth's local CA, or for a self-signed served
 * certificate that certificate itself. Empty when a foreign CA issued what HTTPS serves.
 */
@Dependent
public class GetCaCertificate {

    private final CertificateStore store;
    private final PemCodec pem;

    @Inject
    public GetCaCertificate(CertificateStore store, PemCodec pem) {
        this.store = store;
        this.pem = pem;
    }

    public Optional<String> pem() {
        var served = store.served();
        var authority = store.authority();
        if (served.isPresent()) {
            var leaf = served.get().leaf();
            if (authority.isPresent()
                    && leaf.getIssuerX500Principal().equals(authority.get().leaf().getSubjectX500Principal())) {
                return Optional.of(pem.encode(authority.get().chain()));
            }
            if (leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal())) {
                return Optional.of(pem.encode(java.util.List.of(leaf)));
            }
            return Optional.empty();
        }
        return authority.map(a -> pem.encode(a.chain()));
    }
}
