package dev.berth.deploy.runtime;

import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresSigningKeyStore;
import dev.berth.adapters.http.security.BcryptPasswordHasher;
import dev.berth.adapters.http.security.JwtTokenService;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.TokenService;
import dev.berth.application.tls.CertificateStore;
import dev.berth.application.tls.WarnCertificateExpiry;
import dev.berth.deploy.config.BerthConfig;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Start-up area "access and TLS": password hashing, the tokens Berth issues or trusts, the first
 * administrator or imported htpasswd users ({@link Access}), and the served certificate's expiry warnings.
 */
final class RuntimeAccess {

    private PasswordHasher passwordHasher;
    private TokenService tokenService;
    private ScheduledExecutorService daily;

    void start(BerthConfig config, MetadataDatabase database, Clock clock) {
        passwordHasher = new BcryptPasswordHasher(config.auth().bcryptCost());
        tokenService = Access.tokens(config.auth(), new JwtTokenService(new PostgresSigningKeyStore(database),
                config.auth().issuer(), config.auth().service(), Access.KEY_ROTATION,
                Access.longestTokenLifetime(config.auth())), clock);
        Access.prepare(config, database, passwordHasher, clock);
    }

    /** Null before boot, as a dependent producer may answer. */
    PasswordHasher passwordHasher() {
        return passwordHasher;
    }

    TokenService tokenService() {
        return tokenService;
    }

    /** At start and then every day: a served certificate near its end is a warning in the log. */
    void warnDailyAboutCertificateExpiry(CertificateStore certificates, Clock clock) {
        WarnCertificateExpiry warning = new WarnCertificateExpiry(certificates, clock);
        daily = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("berth-daily").daemon().factory());
        daily.scheduleAtFixedRate(() -> {
            try {
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
