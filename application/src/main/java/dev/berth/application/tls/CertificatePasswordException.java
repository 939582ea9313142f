package dev.berth.application.tls;

/** The password (or passphrase) protecting a key or a PKCS#12 file is wrong or missing: the operator fixes that one field. */
public class CertificatePasswordException extends CertificateRejectedException {

    public CertificatePasswordException(String message) {
        super(message);
    }

    public CertificatePasswordException(String message, Throwable cause) {
        super(message, cause);
    }
}
