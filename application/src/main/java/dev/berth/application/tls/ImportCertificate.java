package dev.berth.application.tls;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Use case: stage a PEM certificate chain (leaf first, then each issuer) with its private key, after
 * checking that they belong together, that the chain is in order and that the leaf is a currently
 * valid TLS server certificate. Without a key, the key of the last certificate request is used. A
 * PKCS#12 file brings key and chain together.
 */
@Dependent
public class ImportCertificate {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    private final CertificateStore store;
    private final PemCodec pem;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public ImportCertificate(CertificateStore store, PemCodec pem, AuditLog audit, Clock clock) {
        this.store = store;
        this.pem = pem;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Admins only; audited as {@code certificate-import} (a refusal too, with its reason).
     *
     * @param keyPem     the private key, or null/blank to use the key of the last certificate request
     * @param passphrase for an encrypted key; may be null
     */
    public CertificateSummary importPem(Caller actor, String address, String chainPem, String keyPem,
                                        char[] passphrase) {
        boolean requestKey = keyPem == null || keyPem.isBlank();
        return stage(actor, address, () -> validate(chainPem, keyPem, passphrase), requestKey);
    }

    /**
     * A PKCS#12 file ({@code .p12}, {@code .pfx}) holding one private key with its certificate chain.
     * Admins only; audited as {@code certificate-import}.
     *
     * @param password the file's password (also the key's, as openssl and keytool write them); may be empty
     * @throws CertificatePasswordException when the password does not open the file or its key
     */
    public CertificateSummary importPkcs12(Caller actor, String address, byte[] pkcs12, char[] password) {
        return stage(actor, address, () -> {
            KeyStore.PrivateKeyEntry entry = Pkcs12.onlyKeyEntry(pkcs12, password);
            List<X509Certificate> chain = Arrays.stream(entry.getCertificateChain())
                    .map(X509Certificate.class::cast).toList();
            return validate(chain, entry::getPrivateKey);
        }, false);
    }

    private CertificateSummary stage(Caller actor, String address, Supplier<CertificateIssuer.KeyedChain> checked,
                                     boolean usedRequestKey) {
        Administration.requireAdmin(actor);
        CertificateIssuer.KeyedChain certificate;
        try {
            certificate = checked.get();
        } catch (CertificateRejectedException e) {
            // the reason only, cut short: a parser's message must not carry pasted key text into the log
            String reason = String.valueOf(e.getMessage());
            Administration.audit(audit, clock.instant(), actor, address, "certificate-import", "staged", false,
                    reason.length() > 200 ? reason.substring(0, 200) + "…" : reason);
            throw e;
        }
        store.stage(certificate);
        if (usedRequestKey) {
            store.clearRequestKeys();
        }
        CertificateSummary summary = CertificateSummary.of(certificate.leaf(), clock);
        Administration.audit(audit, clock.instant(), actor, address, "certificate-import", "staged", true,
                summary.auditDetail());
        return summary;
    }

    CertificateIssuer.KeyedChain validate(String chainPem, String keyPem, char[] passphrase) {
        List<X509Certificate> chain = pem.certificates(chainPem == null ? "" : chainPem);
        if (chain.isEmpty()) {
            throw new CertificateRejectedException("no certificate found: expected PEM blocks '-----BEGIN CERTIFICATE-----'");
        }
        return validate(chain, () -> {
            if (keyPem == null || keyPem.isBlank()) {
                return store.requestKeys().map(KeyPair::getPrivate).orElseThrow(() -> new CertificateRejectedException(
                        "no private key given, and no certificate request is waiting for an answer"));
            }
            return pem.privateKey(keyPem, passphrase);
        });
    }

    /** The chain is checked before the key is read: a chain in the wrong order is the likelier mistake. */
    private CertificateIssuer.KeyedChain validate(List<X509Certificate> chain, Supplier<PrivateKey> keySource) {
        requireInOrder(chain);
        X509Certificate leaf = chain.getFirst();
        requireCurrentlyValid(leaf, clock);
        requireServerUse(leaf, chain.size());
        PrivateKey key = keySource.get();
        requireStrongEnough(key);
        requireMatch(key, leaf.getPublicKey());
        return new CertificateIssuer.KeyedChain(key, chain);
    }

    static void requireCurrentlyValid(X509Certificate leaf, Clock clock) {
        Instant now = clock.instant();
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new CertificateRejectedException("the certificate expired on " + leaf.getNotAfter().toInstant());
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new CertificateRejectedException("the certificate is not valid before " + leaf.getNotBefore().toInstant());
        }
    }

    private static void requireInOrder(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate child = chain.get(i);
            X509Certificate parent = chain.get(i + 1);
            boolean issued = child.getIssuerX500Principal().equals(parent.getSubjectX500Principal());
            if (issued) {
                try {
                    child.verify(parent.getPublicKey());
                } catch (GeneralSecurityException e) {
                    issued = false;
                }
            }
            if (!issued) {
                throw new CertificateRejectedException("certificate " + (i + 2) + " of the chain ("
                        + parent.getSubjectX500Principal().getName() + ") did not issue certificate " + (i + 1) + " ("
                        + child.getSubjectX500Principal().getName()
                        + "): put the server certificate first, then each issuer in turn");
            }
        }
    }

    private static void requireServerUse(X509Certificate leaf, int chainLength) {
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(SERVER_AUTH) && !usages.contains(ANY_EXTENDED_KEY_USAGE)) {
                throw new CertificateRejectedException("the certificate is not for TLS servers (its extended key usage lacks serverAuth)");
            }
        } catch (CertificateParsingException e) {
            throw new CertificateRejectedException("unreadable extended key usage: " + e.getMessage(), e);
        }
        // a lone self-signed certificate may say CA:TRUE (openssl req -x509 does); in a chain the CA goes after the server
        if (leaf.getBasicConstraints() >= 0 && chainLength > 1) {
            throw new CertificateRejectedException("the first certificate is a CA certificate: put the server certificate first");
        }
    }

    private static void requireStrongEnough(PrivateKey key) {
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw new CertificateRejectedException("RSA keys shorter than 2048 bits are refused");
        }
    }

    private static void requireMatch(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> throw new CertificateRejectedException("unsupported key algorithm " + key.getAlgorithm());
        };
        boolean matches;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new CertificateRejectedException("the private key does not belong to the certificate");
        }
    }
}
