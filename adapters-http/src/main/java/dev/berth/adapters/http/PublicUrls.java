package dev.berth.adapters.http;

import java.util.Optional;

/**
 * How Berth names itself in the URLs it hands out (Location, Link, the token realm) and whom it
 * believes about the client. X-Forwarded-Proto, -Host and -For count only from a trusted proxy:
 * from anybody else a forged X-Forwarded-Host would send the client's next request, and its
 * credentials with the token realm, to another host.
 *
 * @param host           {@code http.host}: the externally reachable base URL without a trailing slash
 *                       (https://registry.example.com); when set, every URL starts with it whatever the headers say
 * @param relativeUrls   {@code http.relativeurls}: Location and Link headers as paths (the token realm stays absolute)
 * @param trustedProxies {@code http.trustedproxies}: the peers whose X-Forwarded-* headers are believed
 */
public record PublicUrls(Optional<String> host, boolean relativeUrls, TrustedProxies trustedProxies) {

    /** No proxy believed, absolute URLs from the request's own scheme and Host. */
    public static final PublicUrls DIRECT = new PublicUrls(Optional.empty(), false, TrustedProxies.NONE);
}
