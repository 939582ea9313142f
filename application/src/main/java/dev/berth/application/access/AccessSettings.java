package dev.berth.application.access;

import dev.berth.domain.access.RepositoryPattern;

import java.time.Duration;
import java.util.List;

/**
 * How Berth authenticates and authorizes, from configuration.
 *
 * @param realm              basic auth's realm, or the token endpoint's URL (empty: Berth's own /token)
 * @param service            the token service name (the tokens' audience)
 * @param maxUserFailures    failed logins per user within {@code failureWindow} before 429
 * @param maxAddressFailures failed logins per client address within {@code failureWindow} before 429
 * @param anonymousPull      repositories anybody may pull, besides those set through the admin use cases
 */
public record AccessSettings(Mode mode, String realm, String service, Duration tokenLifetime,
                             Duration refreshLifetime, int maxUserFailures, int maxAddressFailures,
                             Duration failureWindow, List<RepositoryPattern> anonymousPull) {

    public enum Mode {
        /** No authentication: everybody may do everything, as registry:2 without auth. */
        OPEN,
        /** HTTP basic auth against the users table. */
        BASIC,
        /** Bearer tokens from Berth's token endpoint. */
        TOKEN
    }

    public AccessSettings {
        anonymousPull = List.copyOf(anonymousPull);
    }

    public static AccessSettings open() {
        return new AccessSettings(Mode.OPEN, "Berth", "berth", Duration.ofMinutes(5), Duration.ofHours(24), 5, 50,
                Duration.ofMinutes(5), List.of());
    }
}
