package dev.berth.application.access;

/**
 * How a caller proved who they are. It decides what a refused request is told: whether
 * authenticating again (a new token with a wider scope) could help.
 */
public enum Credential {
    /** No credential: anonymous, or an open registry. */
    NONE,
    /** A user name with a password or a robot token (Basic). */
    PASSWORD,
    /** A bearer token Berth's own token endpoint issued. */
    BERTH_TOKEN,
    /** A bearer token of an external issuer ({@code auth.token.rootcertbundle}, {@code auth.token.jwks}). */
    EXTERNAL_TOKEN
}
