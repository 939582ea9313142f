package dev.berth.adapters.http.tls;

import dev.berth.application.access.Administration;
import dev.berth.application.tls.ActivateCertificate;
import dev.berth.application.tls.CertificateRejectedException;
import dev.berth.application.tls.CertificateSummary;
import dev.berth.application.tls.EnsureServedCertificate;
import dev.berth.application.tls.Hostname;
import dev.berth.application.tls.ImportCertificate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What berth.jar's launcher runs before Payara boots, in a class loader of its own (JDK types only
 * cross it): put the served certificate in place and register the key manager provider that
 * Payara's HTTPS listener will ask for.
 */
public final class TlsBootstrap {

    private TlsBootstrap() {
    }

    /**
     * With {@code certificate} and {@code key} (PEM files) those are served; otherwise Berth's
     * managed certificate for {@code hostnames} is made or renewed.
     *
     * @return a line for the start-up log
     * @throws IllegalArgumentException naming the configuration key, when the certificate cannot be served
     */
    public static String prepare(String directory, String certificate, String key, String passphrase,
                                 List<String> hostnames) {
        FileCertificateStore store = new FileCertificateStore(Path.of(directory));
        Clock clock = Clock.systemUTC();
        // before Payara boots there is no database: the start-up's certificate changes go to the log
        LoggedAuditLog audit = new LoggedAuditLog();
        CertificateSummary served;
        if (certificate != null) {
            try {
                new ImportCertificate(store, new BouncyCastlePemCodec(), audit, clock).importPem(
                        Administration.SYSTEM, Administration.LOCAL, read(certificate, "http.tls.certificate"),
                        read(key, "http.tls.key"), passphrase == null || passphrase.isEmpty() ? null : passphrase.toCharArray());
            } catch (CertificateRejectedException e) {
                throw new IllegalArgumentException("http.tls.certificate, http.tls.key: " + e.getMessage(), e);
            }
            served = new ActivateCertificate(store, audit, clock).activate(Administration.SYSTEM, Administration.LOCAL);
        } else {
            List<Hostname> names = new ArrayList<>();
            for (String hostname : hostnames) {
                try {
                    names.add(Hostname.parse(hostname));
                } catch (CertificateRejectedException e) {
                    throw new IllegalArgumentException("http.tls.hostnames: " + e.getMessage(), e);
                }
            }
            served = new EnsureServedCertificate(store, new BouncyCastleCertificateIssuer(), clock).ensure(names);
        }
        ReloadingKeyManagerProvider.install(store.servedFile());
        return "HTTPS serves " + served.subject() + " " + served.subjectAlternativeNames() + ", SHA-256 "
                + served.sha256Fingerprint() + ", valid until " + served.notAfter();
    }

    /** The key store file Payara's listener loads at start (a check that it is valid). */
    public static String servedFile(String directory) {
        return new FileCertificateStore(Path.of(directory)).servedFile().toString();
    }

    private static String read(String file, String key) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
