package dev.berth.deploy.runtime;

import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresCertificateStore;
import dev.berth.adapters.db.PostgresSigningKeyStore;
import dev.berth.adapters.http.security.BcryptPasswordHasher;
import dev.berth.adapters.http.security.JwtTokenService;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.FileCertificateStore;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.TokenService;
import dev.berth.application.tls.AdoptSharedCertificates;
import dev.berth.application.tls.CertificateStore;
import dev.berth.application.tls.Hostname;
import dev.berth.application.tls.SharedCertificateStore;
import dev.berth.application.tls.TlsSettings;
import dev.berth.application.tls.WarnCertificateExpiry;
import dev.berth.deploy.config.BerthConfig;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Start-up area "access and TLS": password hashing, the tokens Berth issues or trusts, the first
 * administrator or imported htpasswd users ({@link Access}), the cluster's certificates served by this
 * node, and the served certificate's renewal and expiry warnings.
 */
final class RuntimeAccess {

    private PasswordHasher passwordHasher;
    private TokenService tokenService;
    private ScheduledExecutorService daily;
    /** Null without HTTPS, and before boot. */
    private volatile AdoptSharedCertificates certificates;
    private volatile boolean withoutTls;
    private List<Hostname> hostnames = List.of();

    void start(BerthConfig config, MetadataDatabase database, Clock clock) {
        passwordHasher = new BcryptPasswordHasher(config.auth().bcryptCost());
        tokenService = Access.tokens(config.auth(), new JwtTokenService(new PostgresSigningKeyStore(database),
                config.auth().issuer(), config.auth().service(), Access.KEY_ROTATION,
                Access.longestTokenLifetime(config.auth())), clock);
        Access.prepare(config, database, passwordHasher, clock);
    }

    /**
     * With HTTPS on: this node takes the cluster's certificates from the database (or publishes its own
     * when the database has none: the first node, or the first start after an upgrade), hot-switching
     * its listener, and follows every later change any node makes. Under a lock: nodes starting
     * together agree, and a renewal due happens once.
     */
    void shareCertificates(BerthConfig config, TlsSettings settings, MetadataDatabase database, Clock clock) {
        if (!config.tls().enabled()) {
            withoutTls = true;
            return;
        }
        hostnames = config.tls().hostnames().stream().map(Hostname::parse).toList();
        SharedCertificateStore shared = new PostgresCertificateStore(database);
        AdoptSharedCertificates adoption = new AdoptSharedCertificates(shared,
                new FileCertificateStore(config.tls().directory()), new BouncyCastleCertificateIssuer(), clock);
        certificates = adoption;
        adoption.atStart(settings, hostnames);
        // listened to only now: an earlier copy could have overwritten the configured certificate before it was published
        shared.onChange(adoption::follow);
        adoption.follow();
    }

    /** Whether this node serves the cluster's certificate (always, without HTTPS); false before boot. */
    boolean certificatesCurrent() {
        AdoptSharedCertificates adoption = certificates;
        return withoutTls || adoption != null && adoption.adopted();
    }

    /** Null before boot, as a dependent producer may answer. */
    PasswordHasher passwordHasher() {
        return passwordHasher;
    }

    TokenService tokenService() {
        return tokenService;
    }

    /**
     * At start and then every day: in managed mode a certificate near its end is renewed (by one node;
     * the others follow), and a served certificate near its end is a warning in the log.
     */
    void warnDailyAboutCertificateExpiry(BerthConfig config, CertificateStore served, Clock clock) {
        WarnCertificateExpiry warning = new WarnCertificateExpiry(served, clock);
        daily = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("berth-daily").daemon().factory());
        daily.scheduleAtFixedRate(() -> {
            try {
                AdoptSharedCertificates shared = certificates;
                if (shared != null && config.tls().managed()) {
                    shared.renewIfDue(hostnames);
                }
                warning.check();
            } catch (RuntimeException e) {
                BerthRuntime.LOG.log(Level.WARNING, "Checking the served certificate's expiry failed", e);
            }
        }, 0, 1, TimeUnit.DAYS);
    }

    void stop() {
        if (daily != null) {
            daily.shutdownNow();
            daily = null;
        }
    }
}
