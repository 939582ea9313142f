package dev.berth.application.upstream;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream of the pull-through cache as an administrator sees and edits it: from the
 * configuration (read only here) or added in the admin UI (stored in the database). The password
 * is write-only: it never appears in {@link #toString()}, and pages show only whether one is set.
 *
 * @param prefix     the namespace it fills, ending in '/'; empty: every repository (Distribution's {@code proxy})
 * @param remoteUrl  the upstream registry's root, e.g. {@code https://registry-1.docker.io}
 * @param caBundle   a PEM file on the server with authorities trusted besides the JVM's
 * @param clientCert a PEM certificate presented to an upstream that asks (mutual TLS), with {@code clientKey}
 * @param maxBytes   what its cached images may store before the least recently pulled go; 0: no limit
 */
public record Upstream(String prefix, String remoteUrl, Optional<String> username, Optional<String> password,
                       Duration ttl, long maxBytes, Optional<String> caBundle, Optional<String> clientCert,
                       Optional<String> clientKey, Source source) {

    /** Where an upstream comes from, and so who may change it. */
    public enum Source {
        /** The configuration file or environment: changed there, and at a restart. */
        CONFIGURATION,
        /** Added in the admin UI: stored in the database, changed there, on every node at once. */
        ADMIN
    }

    public Upstream {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(remoteUrl, "remoteUrl");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(source, "source");
    }

    /** Whether the upstream is asked with credentials (the password itself stays out of pages). */
    public boolean hasPassword() {
        return password.isPresent();
    }

    /** The same upstream with the password another edit kept. */
    public Upstream withPassword(Optional<String> kept) {
        return new Upstream(prefix, remoteUrl, username, kept, ttl, maxBytes, caBundle, clientCert, clientKey, source);
    }

    /** For the audit log and logs: everything but the password. */
    public String describe() {
        return (prefix.isEmpty() ? "every repository" : prefix + "*") + " from " + remoteUrl
                + username.map(u -> " as " + u + (password.isPresent() ? " (password set)" : "")).orElse("")
                + ", tags checked after " + ttl.toSeconds() + " s"
                + (maxBytes > 0 ? ", at most " + maxBytes + " bytes" : "")
                + caBundle.map(b -> ", trusting " + b).orElse("")
                + clientCert.map(c -> ", presenting " + c).orElse("");
    }

    @Override
    public String toString() {
        return "Upstream[" + describe() + "]";
    }
}
