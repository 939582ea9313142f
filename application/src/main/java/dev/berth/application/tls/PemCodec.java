package dev.berth.application.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Port: reading and writing PEM text. Throws {@link CertificateRejectedException} on bad input. */
public interface PemCodec {

    /** Every certificate in {@code pem}, in file order. */
    List<X509Certificate> certificates(String pem);

    /**
     * The private key in {@code pem}: PKCS#1 ({@code RSA PRIVATE KEY}), SEC 1 ({@code EC PRIVATE KEY}),
     * PKCS#8 ({@code PRIVATE KEY}), or encrypted ({@code ENCRYPTED PRIVATE KEY}, or a legacy OpenSSL
     * {@code Proc-Type: 4,ENCRYPTED} key) with {@code passphrase}.
     */
    PrivateKey privateKey(String pem, char[] passphrase);

    String encode(List<X509Certificate> certificates);
}
