package dev.berth.application.port;

import dev.berth.domain.access.Scope;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: signs and verifies Berth's tokens (JWTs per the Docker token specification). */
public interface TokenService {

    /**
     * What a token says.
     *
     * @param refresh a refresh token (OAuth2 refresh_token grant) rather than an access token
     */
    record Claims(String subject, List<Scope> access, Instant issuedAt, Instant expiresAt, boolean refresh) {

        public Claims {
            access = List.copyOf(access);
        }
    }

    String sign(Claims claims);

    /**
     * @return the claims of a token signed by a trusted key, for this service, from this issuer, not
     * expired at {@code now}; empty for anything else
     */
    Optional<Claims> verify(String token, Instant now);
}
