package dev.berth.adapters.http.tls;

import dev.berth.application.tls.CertificatePasswordException;
import dev.berth.application.tls.CertificateRejectedException;
import dev.berth.application.tls.PemCodec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/** PEM certificates and private keys, in every form OpenSSL and Distribution users bring, read with BouncyCastle. */
public final class BouncyCastlePemCodec implements PemCodec {

    /** For decrypting keys (PBES2, legacy OpenSSL ciphers); not registered in the JVM. */
    private static final Provider BC = new BouncyCastleProvider();

    @Override
    public List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
                } else {
                    throw new CertificateRejectedException("expected only certificates in the chain, found a "
                            + describe(item) + ": give the private key separately");
                }
            }
        } catch (IOException | CertificateException e) {
            throw new CertificateRejectedException("the certificate chain is not valid PEM: " + e.getMessage(), e);
        }
        return certificates;
    }

    @Override
    public PrivateKey privateKey(String pem, char[] passphrase) {
        Object item;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            item = parser.readObject();
            if (item != null && parser.readObject() != null) {
                throw new CertificateRejectedException("expected one private key, found more PEM blocks");
            }
        } catch (IOException e) {
            throw new CertificateRejectedException("the private key is not valid PEM: " + e.getMessage(), e);
        }
        PrivateKeyInfo info = switch (item) {
            case null -> throw new CertificateRejectedException("no private key found: expected a PEM block"
                    + " '-----BEGIN PRIVATE KEY-----' (or RSA/EC/ENCRYPTED PRIVATE KEY)");
            case PrivateKeyInfo plain -> plain;
            case PEMKeyPair pair -> pair.getPrivateKeyInfo();
            case PKCS8EncryptedPrivateKeyInfo encrypted -> decrypt(encrypted, passphrase);
            case PEMEncryptedKeyPair encrypted -> decrypt(encrypted, passphrase);
            default -> throw new CertificateRejectedException("expected a private key, found a " + describe(item));
        };
        try {
            // BouncyCastle reads every encoding (SEC 1 keys without curve parameters too); the JDK's
            // providers then get the key in the PKCS#8 form they understand
            PrivateKey key = new JcaPEMKeyConverter().setProvider(BC).getPrivateKey(info);
            String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (PEMException | GeneralSecurityException e) {
            throw new CertificateRejectedException("cannot read the private key: " + e.getMessage(), e);
        }
    }

    private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, char[] passphrase) {
        try {
            return encrypted.decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(required(passphrase)));
        } catch (PKCSException | OperatorCreationException e) {
            throw new CertificatePasswordException("cannot decrypt the private key: wrong passphrase?", e);
        }
    }

    private static PrivateKeyInfo decrypt(PEMEncryptedKeyPair encrypted, char[] passphrase) {
        try {
            return encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(required(passphrase)))
                    .getPrivateKeyInfo();
        } catch (IOException e) {
            throw new CertificatePasswordException("cannot decrypt the private key: wrong passphrase?", e);
        }
    }

    private static char[] required(char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new CertificatePasswordException("the private key is encrypted: give its passphrase");
        }
        return passphrase;
    }

    private static String describe(Object item) {
        return switch (item) {
            case X509CertificateHolder ignored -> "certificate";
            case PrivateKeyInfo ignored -> "private key";
            case PEMKeyPair ignored -> "private key";
            case PKCS8EncryptedPrivateKeyInfo ignored -> "private key";
            case PEMEncryptedKeyPair ignored -> "private key";
            default -> item.getClass().getSimpleName();
        };
    }

    @Override
    public String encode(List<X509Certificate> certificates) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                pem.append(Pem.encode("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return pem.toString();
    }

    static String encodeKey(PrivateKey key) {
        return Pem.encode("PRIVATE KEY", key.getEncoded());
    }
}
