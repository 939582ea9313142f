package dev.berth.adapters.http.tls;

import dev.berth.application.tls.CertificateIssuer;
import dev.berth.application.tls.CertificateIssuer.KeyType;
import dev.berth.application.tls.CertificateIssuer.KeyedChain;
import dev.berth.application.tls.Hostname;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.openssl.PKCS8Generator;

import java.io.StringWriter;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A CA and a server certificate it issued, made as a foreign CA would, and the key in every PEM form. */
record TestPki(KeyPair serverKeys, KeyedChain ca, java.security.cert.X509Certificate server) {

    enum KeyFormat {
        PKCS8(false, false, "-----BEGIN PRIVATE KEY-----"),
        PKCS1_RSA(true, false, "-----BEGIN RSA PRIVATE KEY-----"),
        SEC1_EC(false, false, "-----BEGIN EC PRIVATE KEY-----"),
        PKCS8_ENCRYPTED(false, true, "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        PKCS1_RSA_ENCRYPTED(true, true, "Proc-Type: 4,ENCRYPTED");

        private final boolean rsa;
        private final boolean encrypted;
        private final String pemType;

        KeyFormat(boolean rsa, boolean encrypted, String pemType) {
            this.rsa = rsa;
            this.encrypted = encrypted;
            this.pemType = pemType;
        }

        boolean rsa() {
            return rsa;
        }

        boolean encrypted() {
            return encrypted;
        }

        String pemType() {
            return pemType;
        }
    }

    static TestPki create(CertificateIssuer issuer, boolean rsa, Clock clock) {
        return forKey(issuer, issuer.newKeyPair(rsa ? KeyType.RSA_3072 : KeyType.EC_P256), clock);
    }

    static TestPki forKey(CertificateIssuer issuer, KeyPair serverKeys, Clock clock) {
        KeyPair caKeys = issuer.newKeyPair(KeyType.EC_P256);
        var now = clock.instant();
        KeyedChain ca = new KeyedChain(caKeys.getPrivate(), List.of(issuer.certificateAuthority(caKeys, "Corporate CA",
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)))));
        var server = issuer.serverCertificate(serverKeys, "imported.example", List.of(Hostname.parse("imported.example")),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(390)), ca);
        return new TestPki(serverKeys, ca, server);
    }

    String chainPem() {
        return new BouncyCastlePemCodec().encode(List.of(server, ca.leaf()));
    }

    String reversedChainPem() {
        return new BouncyCastlePemCodec().encode(List.of(ca.leaf(), server));
    }

    /** The key and chain as one PKCS#12 file, as {@code openssl pkcs12 -export} or keytool write it. */
    byte[] pkcs12(String password) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", serverKeys.getPrivate(), password.toCharArray(),
                new java.security.cert.Certificate[]{server, ca.leaf()});
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        store.store(file, password.toCharArray());
        return file.toByteArray();
    }

    /** As {@code openssl ec} writes it: the curve inside the SEC 1 structure. */
    private byte[] sec1WithCurve() throws java.io.IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(serverKeys.getPrivate().getEncoded());
        ECPrivateKey sec1 = ECPrivateKey.getInstance(info.parsePrivateKey());
        return new ECPrivateKey(256, sec1.getKey(), sec1.getPublicKey(), info.getPrivateKeyAlgorithm().getParameters()).getEncoded();
    }

    String keyPem(KeyFormat format, String passphrase) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            switch (format) {
                case PKCS8 -> writer.writeObject(new JcaPKCS8Generator(serverKeys.getPrivate(), null));
                case PKCS8_ENCRYPTED -> writer.writeObject(new JcaPKCS8Generator(serverKeys.getPrivate(),
                        new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
                                .setPassword(passphrase.toCharArray()).build()));
                case PKCS1_RSA -> writer.writeObject(new JcaMiscPEMGenerator(serverKeys.getPrivate()));
                case SEC1_EC -> writer.writeObject(new PemObject("EC PRIVATE KEY", sec1WithCurve()));
                case PKCS1_RSA_ENCRYPTED -> writer.writeObject(new JcaMiscPEMGenerator(serverKeys.getPrivate(),
                        new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(new BouncyCastleProvider())
                                .build(passphrase.toCharArray())));
            }
        }
        return text.toString();
    }
}
