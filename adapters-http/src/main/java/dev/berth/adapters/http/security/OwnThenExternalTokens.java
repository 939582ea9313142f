package dev.berth.adapters.http.security;

import dev.berth.application.port.TokenService;

import java.time.Instant;
import java.util.Optional;

/**
 * Berth's own tokens and those of an external issuer at once: signing is Berth's; a token is
 * verified with Berth's own keys first, then with the external issuer's trusted keys.
 */
public final class OwnThenExternalTokens implements TokenService {

    private final TokenService own;
    private final ExternalTokenVerifier external;

    public OwnThenExternalTokens(TokenService own, ExternalTokenVerifier external) {
        this.own = own;
        this.external = external;
    }

    @Override
    public String sign(Claims claims) {
        return own.sign(claims);
    }

    @Override
    public Optional<Claims> verify(String token, Instant now) {
        return own.verify(token, now).or(() -> external.verify(token, now));
    }
}
