package dev.berth.application.tls;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** Port: key pairs, certificates and certificate requests (an adapter does the ASN.1). */
public interface CertificateIssuer {

    KeyPair newKeyPair(KeyType type);

    /** A self-signed certificate authority that may sign server certificates only (path length 0). */
    X509Certificate certificateAuthority(KeyPair keys, String commonName, Instant notBefore, Instant notAfter);

    /**
     * A TLS server certificate for {@code hostnames} (DNS names and IP addresses), signed by
     * {@code issuer}, or self-signed by {@code subjectKeys} when {@code issuer} is null.
     */
    X509Certificate serverCertificate(KeyPair subjectKeys, String commonName, List<Hostname> hostnames,
                                      Instant notBefore, Instant notAfter, KeyedChain issuer);

    /** A PKCS#10 request, PEM encoded, asking a CA for a server certificate for {@code hostnames}. */
    String certificateRequest(KeyPair keys, String commonName, List<Hostname> hostnames);

    /** Public key algorithms Berth generates. */
    enum KeyType {
        /** ECDSA on P-256: small, fast, accepted by every current client. */
        EC_P256,
        /** RSA 3072, for CAs and clients that still want RSA. */
        RSA_3072
    }

    /** A private key and the certificate chain that goes with it, leaf first. */
    record KeyedChain(PrivateKey key, List<X509Certificate> chain) {
        public KeyedChain {
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a certificate chain needs at least one certificate");
            }
        }

        public X509Certificate leaf() {
            return chain.getFirst();
        }
    }
}
