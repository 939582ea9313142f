package dev.berth.application.port;

import dev.berth.domain.access.Scope;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Port: signs and verifies Berth's tokens (JWTs per the Docker token specification). */
public interface TokenService {

    /**
     * What a token says.
     *
     * @param refresh  a refresh token (OAuth2 refresh_token grant) rather than an access token
     * @param external signed by an external issuer ({@code auth.token.rootcertbundle} or
     *                 {@code auth.token.jwks}) rather than by Berth: its {@code access} claim alone
     *                 decides, whatever Berth's users table says about its subject
     * @param robot    the robot token the subject's access token was issued to: it stays in its scope
     *                 and dies with it
     * @param credentialStamp of a refresh token, its user's credential stamp at issue
     *                 ({@link UserDirectory.StoredUser#credentialStamp}); {@link #NO_STAMP} otherwise
     */
    record Claims(String subject, List<Scope> access, Instant issuedAt, Instant expiresAt, boolean refresh,
                  boolean external, Optional<UUID> robot, long credentialStamp) {

        /** No user has it: a refresh token without a stamp (from before stamps) never refreshes. */
        public static final long NO_STAMP = -1;

        public Claims {
            access = List.copyOf(access);
            if (external && refresh) {
                throw new IllegalArgumentException("an external issuer's token is never a refresh token");
            }
            if (refresh && robot.isPresent()) {
                throw new IllegalArgumentException("a robot gets no refresh token");
            }
        }

        /** Claims of an external issuer's token. */
        public Claims(String subject, List<Scope> access, Instant issuedAt, Instant expiresAt, boolean refresh,
                      boolean external) {
            this(subject, access, issuedAt, expiresAt, refresh, external, Optional.empty(), NO_STAMP);
        }

        /** Claims of a token Berth signed itself. */
        public Claims(String subject, List<Scope> access, Instant issuedAt, Instant expiresAt, boolean refresh) {
            this(subject, access, issuedAt, expiresAt, refresh, false);
        }
    }

    String sign(Claims claims);

    /**
     * @return the claims of a token signed by a trusted key (Berth's own, then an external issuer's), for this service, from this issuer, not
     * expired at {@code now}; empty for anything else
     */
    Optional<Claims> verify(String token, Instant now);
}
