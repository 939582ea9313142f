package dev.berth.application.event;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A webhook receiver, with Distribution's endpoint settings and two of Berth's: the envelope format
 * and an optional key to sign bodies with (HMAC-SHA256). Neither the headers' values nor the key
 * appear in {@link #toString()}: they often are credentials.
 *
 * @param threshold failures in a row after which delivery backs off
 * @param backoff   the first pause after {@code threshold} failures; it doubles with every further failure
 */
public record NotificationEndpoint(String name, URI url, Map<String, List<String>> headers, Duration timeout,
                                   int threshold, Duration backoff, Set<String> ignoredMediaTypes,
                                   Set<EventAction> ignoredActions, EnvelopeFormat format,
                                   Optional<String> signingKey, boolean disabled) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_THRESHOLD = 10;
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);

    public NotificationEndpoint {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("endpoint name must be 1 to 200 characters");
        }
        Objects.requireNonNull(url, "url");
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException("endpoint url must be an absolute http or https URL");
        }
        if (timeout.isNegative() || timeout.isZero() || threshold < 1 || backoff.isNegative() || backoff.isZero()) {
            throw new IllegalArgumentException("timeout and backoff must be positive, threshold at least 1");
        }
        headers = Map.copyOf(headers);
        ignoredMediaTypes = Set.copyOf(ignoredMediaTypes);
        ignoredActions = Set.copyOf(ignoredActions);
    }

    /** The URL without user info, query and fragment, which may carry credentials: for logs and pages. */
    public String shownUrl() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getPath();
    }

    @Override
    public String toString() {
        return "NotificationEndpoint[" + name + " " + shownUrl() + (disabled ? ", disabled" : "") + "]";
    }
}
