package dev.berth.deploy.runtime;

import dev.berth.adapters.db.JpaTransactions;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresUserDirectory;
import dev.berth.adapters.http.security.ExternalTokenVerifier;
import dev.berth.adapters.http.security.OwnThenExternalTokens;
import dev.berth.adapters.http.security.RemoteJwks;
import dev.berth.application.access.AccessSettings;
import dev.berth.application.access.CreateInitialAdmin;
import dev.berth.application.access.ImportHtpasswd;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.TokenService;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Start-up work for access control: the first admin, the htpasswd import, and the settings the use cases get. */
final class Access {

    private static final Logger LOG = Logger.getLogger(Access.class.getName());
    /** The initial admin's password, when Berth chose it. */
    static final String ADMIN_PASSWORD_ENV = "BERTH_ADMIN_PASSWORD";
    static final String ADMIN_PASSWORD_FILE = "initial-admin-password";
    static final Duration KEY_ROTATION = Duration.ofDays(7);
    static final Duration REFRESH_LIFETIME = Duration.ofHours(24);

    private Access() {
    }

    static AccessSettings settings(BerthConfig.Auth auth) {
        AccessSettings.Mode mode = switch (auth.mode()) {
            case BerthConfig.Auth.HTPASSWD -> AccessSettings.Mode.BASIC;
            case BerthConfig.Auth.TOKEN -> AccessSettings.Mode.TOKEN;
            default -> AccessSettings.Mode.OPEN;
        };
        return new AccessSettings(mode, auth.realm(), auth.service(), Duration.ofSeconds(auth.tokenExpirationSeconds()),
                REFRESH_LIFETIME, auth.maxUserFailures(), auth.maxAddressFailures(),
                Duration.ofSeconds(auth.failureWindowSeconds()),
                auth.anonymousPull().stream().map(RepositoryPattern::new).toList());
    }

    /**
     * Berth's own tokens, and with {@code auth.token.rootcertbundle} or {@code auth.token.jwks} also
     * those of the external issuer (own keys first). A JWKS URL is fetched in the background: an
     * issuer that is briefly unreachable does not stop start-up (its tokens are refused until its
     * keys are known).
     *
     * @throws IllegalStateException when the trusted keys cannot be read
     */
    static TokenService tokens(BerthConfig.Auth auth, TokenService own, Clock clock) {
        if (!auth.externalIssuer()) {
            return own;
        }
        try {
            List<ExternalTokenVerifier.TrustedKey> keys = ExternalTokenVerifier.load(auth.rootCertBundle(), auth.jwks());
            Optional<RemoteJwks> remote = auth.jwksUrl().map(url -> new RemoteJwks(url, auth.jwksCaBundle(), clock));
            LOG.info(() -> "Accepting tokens of the external issuer '" + auth.issuer() + "' signed by " + keys.size()
                    + " trusted key(s) from " + Stream.of(auth.rootCertBundle(), auth.jwks()).flatMap(Optional::stream)
                    .map(Path::toString).collect(Collectors.joining(" and "))
                    + remote.map(r -> (keys.isEmpty() ? "" : " and ") + "the keys published at " + r.url()).orElse(""));
            remote.ifPresent(RemoteJwks::start);
            return new OwnThenExternalTokens(own, new ExternalTokenVerifier(auth.issuer(), auth.service(), keys, remote));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static Duration longestTokenLifetime(BerthConfig.Auth auth) {
        Duration access = Duration.ofSeconds(auth.tokenExpirationSeconds());
        return access.compareTo(REFRESH_LIFETIME) > 0 ? access : REFRESH_LIFETIME;
    }

    static String describe(BerthConfig.Auth auth) {
        String anonymous = auth.anonymousPull().isEmpty() ? "" : ", anonymous pull of " + String.join(" ", auth.anonymousPull());
        return switch (auth.mode()) {
            case BerthConfig.Auth.HTPASSWD -> "basic auth against Berth's users (realm \"" + auth.realm() + "\")"
                    + auth.htpasswdPath().map(p -> ", users imported from " + p).orElse("") + anonymous;
            case BerthConfig.Auth.TOKEN -> "token auth (service \"" + auth.service() + "\", realm "
                    + (auth.realm().isEmpty() ? "/token" : auth.realm())
                    + (auth.externalIssuer() ? ", tokens of issuer \"" + auth.issuer() + "\" accepted" : "") + ")"
                    + anonymous;
            default -> "OPEN (auth: none, no authentication)";
        };
    }

    /** The first admin when there are no users, then the configured htpasswd file. */
    static void prepare(BerthConfig config, MetadataDatabase database, PasswordHasher hasher, Clock clock) {
        PostgresUserDirectory users = new PostgresUserDirectory(database);
        PostgresAuditLog audit = new PostgresAuditLog(database);
        Optional<String> password = Optional.ofNullable(System.getenv(ADMIN_PASSWORD_ENV)).filter(p -> !p.isEmpty());
        Optional<CreateInitialAdmin.Created> created;
        try {
            created = new CreateInitialAdmin(users, hasher, audit, clock).createIfNoUsers(password);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(ADMIN_PASSWORD_ENV + ": " + e.getMessage(), e);
        }
        created.ifPresent(admin -> announce(config, admin));
        config.auth().htpasswdPath().ifPresent(file -> importHtpasswd(config, database, hasher, clock, file));
    }

    private static void announce(BerthConfig config, CreateInitialAdmin.Created admin) {
        if (!admin.generated()) {
            LOG.info("Initial administrator '" + admin.name() + "' created with the password from " + ADMIN_PASSWORD_ENV);
            return;
        }
        Path file = config.dataDirectory().resolve(ADMIN_PASSWORD_FILE);
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            // owner-only from the first byte: created with these permissions, not chmod-ed afterwards
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, admin.password() + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the initial admin password to " + file, e);
        }
        // never the password itself: logs are shipped and kept where its owner-only file is not
        LOG.warning("Initial administrator '" + admin.name() + "' created with a generated password, written to "
                + file + " (readable only by its owner; set " + ADMIN_PASSWORD_ENV + " before the first start to"
                + " choose it instead). The first sign-in to /admin asks for a new password and removes the file.");
    }

    /** Once the generated password is replaced, its file has nothing left to say. */
    static void removeGeneratedPassword(BerthConfig config) {
        Path file = config.dataDirectory().resolve(ADMIN_PASSWORD_FILE);
        try {
            if (Files.deleteIfExists(file)) {
                LOG.info("Removed " + file + ": the initial administrator has chosen a password");
            }
        } catch (IOException e) {
            LOG.warning("Cannot remove " + file + " (" + e.getMessage() + "): delete it by hand; its password no"
                    + " longer signs in");
        }
    }

    private static ImportHtpasswd.Result importHtpasswd(BerthConfig config, MetadataDatabase database,
                                                        PasswordHasher hasher, Clock clock, Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("auth.htpasswd.path: cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Grant> grants = config.auth().htpasswdGrants().stream().map(Grant::parse).toList();
        try {
            ImportHtpasswd.Result result = new ImportHtpasswd(new PostgresUserDirectory(database), hasher,
                    new JpaTransactions(database), new PostgresAuditLog(database), clock)
                    .importFile(content, grants, file.toString());
            LOG.info(() -> "Imported " + file + ": " + result.created() + " users created, " + result.updated()
                    + " updated");
            return result;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("htpasswd file refused: " + e.getMessage(), e);
        }
    }

    /**
     * {@code berth.jar users import-htpasswd FILE}: imports the file into the configured Berth's
     * database.
     *
     * @return the exit status: 0, or 1 when the file is refused
     */
    static int importHtpasswdCommand(BerthConfig config, MetadataDatabase database, PasswordHasher hasher, Clock clock,
                                     Path file) {
        try {
            ImportHtpasswd.Result result = importHtpasswd(config, database, hasher, clock, file);
            System.out.println("berth: imported " + file + ": " + result.created() + " users created, "
                    + result.updated() + " updated");
            return 0;
        } catch (RuntimeException e) {
            System.out.println("berth: " + e.getMessage());
            return 1;
        }
    }
}
