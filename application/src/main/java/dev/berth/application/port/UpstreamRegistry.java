package dev.berth.application.port;

import dev.berth.domain.Digest;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.manifest.MediaType;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Port: the registry a pull-through cache mirrors, spoken to as a client (Registry HTTP API V2). The
 * adapter handles the upstream's authentication (basic, or bearer tokens) with the configured
 * credentials, which never leave it. Every method answers empty when the upstream says it does not
 * have the content (404) and throws {@link UpstreamException} when it cannot answer (unreachable,
 * 5xx, refused credentials, rate limited).
 */
public interface UpstreamRegistry {

    /** The upstream's base URL for logs and metrics; never credentials. */
    String describe();

    /** The digest of the manifest the reference names upstream now (a HEAD, which rate limits do not count). */
    Optional<Digest> resolve(RepositoryName repository, Reference reference);

    /** The manifest's bytes as the upstream serves them, asking for schema 2 and OCI types. */
    Optional<UpstreamManifest> manifest(RepositoryName repository, Digest digest);

    /** The blob's size (a HEAD). */
    OptionalLong blobSize(RepositoryName repository, Digest digest);

    /** The blob's bytes, streamed; the caller closes them and verifies the digest. */
    Optional<UpstreamBlob> blob(RepositoryName repository, Digest digest);

    /**
     * The repository's tags upstream, at most {@code limit}, following the upstream's pages; empty when
     * it has no such repository.
     */
    Optional<List<Tag>> tags(RepositoryName repository, int limit);

    record UpstreamManifest(MediaType mediaType, byte[] payload) {
    }

    /** @param size the length the upstream announced, or -1 when it did not say */
    record UpstreamBlob(long size, InputStream content) {
    }

    /** The upstream did not answer usably; the message names the upstream and the status, never credentials. */
    final class UpstreamException extends RuntimeException {

        public UpstreamException(String message) {
            super(message);
        }

        public UpstreamException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
