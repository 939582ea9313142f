package dev.berth.application.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * What an operator wants to know about a certificate.
 *
 * @param subjectAlternativeNames {@code DNS:name} and {@code IP:address} entries
 * @param sha256Fingerprint       upper-case hex pairs joined by colons, as {@code openssl x509 -fingerprint -sha256} prints it
 * @param daysLeft                whole days until {@code notAfter}; negative once expired
 */
public record CertificateSummary(String subject, List<String> subjectAlternativeNames, String issuer,
                                 Instant notBefore, Instant notAfter, String sha256Fingerprint, long daysLeft,
                                 boolean selfSigned) {

    public CertificateSummary {
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
    }

    public static CertificateSummary of(X509Certificate certificate, Clock clock) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        return new CertificateSummary(
                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
                subjectAlternativeNames(certificate),
                certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
                certificate.getNotBefore().toInstant(), notAfter, fingerprint(certificate),
                Duration.between(clock.instant(), notAfter).toDays(),
                certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()));
    }

    public static List<CertificateSummary> of(List<X509Certificate> chain, Clock clock) {
        return chain.stream().map(c -> of(c, clock)).toList();
    }

    /** What the audit log says about a certificate: who it is for and which one, never key material. */
    public String auditDetail() {
        return subject + " SHA-256 " + sha256Fingerprint;
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> subjectAlternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            List<String> result = new ArrayList<>();
            if (names != null) {
                for (List<?> name : names) {
                    int type = (Integer) name.get(0);
                    if (type == 2) {
                        result.add("DNS:" + name.get(1));
                    } else if (type == 7) {
                        result.add("IP:" + String.valueOf(name.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
            return result;
        } catch (CertificateParsingException e) {
            throw new CertificateRejectedException("unreadable subject alternative names: " + e.getMessage(), e);
        }
    }
}
