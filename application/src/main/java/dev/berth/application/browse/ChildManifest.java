package dev.berth.application.browse;

import dev.berth.domain.Digest;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.Platform;

import java.util.Optional;

/**
 * A manifest an index lists, as the index describes it.
 *
 * @param size           its descriptor's size: the manifest's own bytes
 * @param compressedSize what a pull of it transfers at most (its manifest, config and layers); 0 when
 *                       the repository does not hold it
 */
public record ChildManifest(Digest digest, MediaType mediaType, long size, long compressedSize,
                            Optional<Platform> platform) {
}
