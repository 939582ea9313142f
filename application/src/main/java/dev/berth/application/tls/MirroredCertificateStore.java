package dev.berth.application.tls;

import java.security.KeyPair;
import java.util.Optional;

/**
 * The certificate store of a node in a cluster: the shared store is the truth, read and written
 * first; every write is then made to the node's own copy too, so that this node's HTTPS listener
 * serves an activated certificate at once (the others copy it when they hear of the change).
 */
public final class MirroredCertificateStore implements CertificateStore {

    private final SharedCertificateStore shared;
    private final CertificateStore local;

    public MirroredCertificateStore(SharedCertificateStore shared, CertificateStore local) {
        this.shared = shared;
        this.local = local;
    }

    @Override
    public Optional<CertificateIssuer.KeyedChain> authority() {
        return shared.authority();
    }

    @Override
    public void saveAuthority(CertificateIssuer.KeyedChain authority) {
        shared.saveAuthority(authority);
        local.saveAuthority(authority);
    }

    @Override
    public Optional<CertificateIssuer.KeyedChain> served() {
        return shared.served();
    }

    @Override
    public void serve(CertificateIssuer.KeyedChain certificate) {
        shared.serve(certificate);
        local.serve(certificate);
    }

    @Override
    public Optional<CertificateIssuer.KeyedChain> staged() {
        return shared.staged();
    }

    @Override
    public void stage(CertificateIssuer.KeyedChain certificate) {
        shared.stage(certificate);
        local.stage(certificate);
    }

    @Override
    public void clearStaged() {
        shared.clearStaged();
        local.clearStaged();
    }

    @Override
    public Optional<KeyPair> requestKeys() {
        return shared.requestKeys();
    }

    @Override
    public void saveRequestKeys(KeyPair keys) {
        shared.saveRequestKeys(keys);
        local.saveRequestKeys(keys);
    }

    @Override
    public void clearRequestKeys() {
        shared.clearRequestKeys();
        local.clearRequestKeys();
    }
}
