package dev.berth.application.tls;

/** A certificate, key or request that Berth will not use; the message says why, for the operator. */
public class CertificateRejectedException extends RuntimeException {

    public CertificateRejectedException(String message) {
        super(message);
    }

    public CertificateRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
