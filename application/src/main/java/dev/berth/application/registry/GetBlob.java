package dev.berth.application.registry;

import dev.berth.application.event.RegistryEvents;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.BlobUnknownException;
import dev.berth.domain.error.RangeInvalidException;
import dev.berth.domain.error.UnavailableException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Use case: the size of a blob a repository may see (HEAD), and its bytes, whole or a range (GET),
 * or where to fetch them from storage directly (a pull redirect).
 */
@Dependent
public class GetBlob {

    /** As Distribution: long enough for a slow client to start a large layer, short enough to leak little. */
    static final Duration REDIRECT_VALIDITY = Duration.ofMinutes(20);

    private final BlobLinkStore links;
    private final BlobStore blobs;
    private final RepositoryGuard guard;
    private final RegistrySettings settings;
    private final RegistryEvents events;

    @Inject
    public GetBlob(BlobLinkStore links, BlobStore blobs, RepositoryGuard guard, RegistrySettings settings,
                   RegistryEvents events) {
        this.links = links;
        this.blobs = blobs;
        this.guard = guard;
        this.settings = settings;
        this.events = events;
    }

    /** The blob with its size, when it is linked to the repository (one metadata lookup). */
    public LinkedBlob find(RepositoryName repository, Digest digest) {
        var size = links.linkedSize(repository, digest);
        if (size.isEmpty()) {
            guard.requireExisting(repository);
            throw new BlobUnknownException(digest.toString());
        }
        return new LinkedBlob(repository, digest, size.getAsLong());
    }

    /**
     * Where a client can fetch the blob straight from storage (a presigned URL), when redirects are
     * on and the driver can make one; empty means: stream it. A driver that fails to make one costs
     * the client nothing, the bytes are then streamed. A redirect records the pull: the client
     * fetches the bytes from storage, where Berth no longer sees them.
     */
    public Optional<URI> directUrl(LinkedBlob blob) {
        if (!settings.redirectBlobs()) {
            return Optional.empty();
        }
        Optional<URI> url;
        try {
            url = blobs.directUrl(blob.digest(), REDIRECT_VALIDITY);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        url.ifPresent(u -> events.blobPulled(blob.repository(), blob.digest(), blob.size()));
        return url;
    }

    /**
     * Opens {@code length} bytes from {@code offset} and records the pull; the caller closes the stream.
     *
     * @throws RangeInvalidException when the range lies outside the blob
     */
    public InputStream open(LinkedBlob blob, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > blob.size()) {
            throw new RangeInvalidException("bytes " + offset + "-" + (offset + length - 1) + " of " + blob.size());
        }
        InputStream content;
        try {
            content = blobs.read(blob.digest(), offset, length);
        } catch (IOException | RuntimeException e) {
            // the metadata knows the blob but storage cannot deliver it (gone, truncated, unreachable)
            throw new UnavailableException("storage read failed", e);
        }
        try {
            events.blobPulled(blob.repository(), blob.digest(), blob.size());
        } catch (RuntimeException e) {
            closeQuietly(content, e);
            throw e;
        }
        return content;
    }

    private static void closeQuietly(InputStream content, RuntimeException cause) {
        try {
            content.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
