package dev.berth.application.tls;

import java.security.KeyPair;
import java.util.Optional;

/** Port: where Berth keeps its certificate authority, the served certificate and the ones waiting. */
public interface CertificateStore {

    /** Berth's local certificate authority, if it made one. */
    Optional<CertificateIssuer.KeyedChain> authority();

    void saveAuthority(CertificateIssuer.KeyedChain authority);

    /** What HTTPS serves. */
    Optional<CertificateIssuer.KeyedChain> served();

    /** HTTPS serves {@code certificate} from the next new connection on; no restart. */
    void serve(CertificateIssuer.KeyedChain certificate);

    /** A certificate generated or imported but not yet served. */
    Optional<CertificateIssuer.KeyedChain> staged();

    void stage(CertificateIssuer.KeyedChain certificate);

    void clearStaged();

    /** The key pair of the last certificate request, waiting for the CA's answer. */
    Optional<KeyPair> requestKeys();

    void saveRequestKeys(KeyPair keys);

    void clearRequestKeys();
}
