package dev.berth.application.tls;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.security.KeyPair;
import java.util.List;

/**
 * Use case: a certificate signing request (PKCS#10, PEM) for a corporate or public CA. Berth keeps
 * the new private key; importing the CA's answer without a key pairs it with this one.
 */
@Dependent
public class CreateCertificateRequest {

    private final CertificateStore store;
    private final CertificateIssuer issuer;

    @Inject
    public CreateCertificateRequest(CertificateStore store, CertificateIssuer issuer) {
        this.store = store;
        this.issuer = issuer;
    }

    /** @param hostnames the names the certificate must cover, the first one also its common name */
    public String create(List<Hostname> hostnames, CertificateIssuer.KeyType keyType) {
        if (hostnames.isEmpty()) {
            throw new CertificateRejectedException("a certificate request needs at least one host name");
        }
        KeyPair keys = issuer.newKeyPair(keyType);
        String request = issuer.certificateRequest(keys, hostnames.getFirst().value(), List.copyOf(hostnames));
        store.saveRequestKeys(keys);
        return request;
    }
}
