package dev.berth.adapters.http.tls;

import dev.berth.application.tls.CertificateIssuer;
import dev.berth.application.tls.Hostname;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Keys, certificates and PKCS#10 requests built with BouncyCastle's ASN.1 builders; the keys and
 * signatures themselves come from the JDK's providers.
 */
public final class BouncyCastleCertificateIssuer implements CertificateIssuer {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public KeyPair newKeyPair(KeyType type) {
        try {
            KeyPairGenerator generator;
            if (type == KeyType.RSA_3072) {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(3072, RANDOM);
            } else {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + type + " key pair", e);
        }
    }

    @Override
    public X509Certificate certificateAuthority(KeyPair keys, String commonName, Instant notBefore, Instant notAfter) {
        X500Name subject = name(commonName, "Berth");
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return sign(builder, keys.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the CA certificate", e);
        }
    }

    @Override
    public X509Certificate serverCertificate(KeyPair subjectKeys, String commonName, List<Hostname> hostnames,
                                             Instant notBefore, Instant notAfter, KeyedChain issuer) {
        X500Name subject = name(commonName, null);
        X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.leaf().getSubjectX500Principal().getEncoded());
        PublicKey issuerKey = issuer == null ? subjectKeys.getPublic() : issuer.leaf().getPublicKey();
        PrivateKey signingKey = issuer == null ? subjectKeys.getPrivate() : issuer.key();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial(),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage(subjectKeys.getPublic())))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, alternativeNames(hostnames))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKeys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerKey));
            return sign(builder, signingKey);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the server certificate", e);
        }
    }

    @Override
    public String certificateRequest(KeyPair keys, String commonName, List<Hostname> hostnames) {
        try {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hostnames));
            extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(name(commonName, null), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(signer(keys.getPrivate()));
            return Pem.encode("CERTIFICATE REQUEST", request.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the certificate request", e);
        }
    }

    private static int keyUsage(PublicKey key) {
        // RSA key exchange (TLS 1.2 without ECDHE) is not offered, so RSA keys only sign as well
        return KeyUsage.digitalSignature | ("RSA".equals(key.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
    }

    private static GeneralNames alternativeNames(List<Hostname> hostnames) {
        return new GeneralNames(hostnames.stream()
                .map(h -> new GeneralName(h.ipAddress() ? GeneralName.iPAddress : GeneralName.dNSName, h.value()))
                .toArray(GeneralName[]::new));
    }

    private static X500Name name(String commonName, String organization) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        if (organization != null) {
            builder.addRDN(BCStyle.O, organization);
        }
        return builder.addRDN(BCStyle.CN, commonName).build();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer(key)));
    }

    private static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder("RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA")
                    .build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key", e);
        }
    }
}
