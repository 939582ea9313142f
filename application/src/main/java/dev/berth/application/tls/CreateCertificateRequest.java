package dev.berth.application.tls;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Use case: a certificate signing request (PKCS#10, PEM) for a corporate or public CA. Berth keeps
 * the new private key; importing the CA's answer without a key pairs it with this one.
 */
@Dependent
public class CreateCertificateRequest {

    private final CertificateStore store;
    private final CertificateIssuer issuer;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public CreateCertificateRequest(CertificateStore store, CertificateIssuer issuer, AuditLog audit, Clock clock) {
        this.store = store;
        this.issuer = issuer;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Admins only; audited as {@code certificate-request}.
     *
     * @param hostnames the names the certificate must cover, the first one also its common name
     */
    public String create(Caller actor, String address, List<Hostname> hostnames, CertificateIssuer.KeyType keyType) {
        Administration.requireAdmin(actor);
        if (hostnames.isEmpty()) {
            throw new CertificateRejectedException("a certificate request needs at least one host name");
        }
        KeyPair keys = issuer.newKeyPair(keyType);
        String request = issuer.certificateRequest(keys, hostnames.getFirst().value(), List.copyOf(hostnames));
        store.saveRequestKeys(keys);
        Administration.audit(audit, clock.instant(), actor, address, "certificate-request", "request", true,
                "CN=" + hostnames.getFirst().value() + " for "
                        + hostnames.stream().map(Hostname::value).collect(Collectors.joining(", ")) + ", " + keyType);
        return request;
    }
}
