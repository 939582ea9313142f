package dev.berth.application.browse;

import dev.berth.domain.Digest;
import dev.berth.domain.manifest.MediaType;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of a repository's untagged manifests.
 *
 * @param artifactType   what it is when it is no image (an SBOM's, a signature's type)
 * @param subject        the manifest it refers to, for a signature, SBOM or attestation
 * @param compressedSize as {@link TagSummary#compressedSize}
 */
public record UntaggedManifestSummary(Digest digest, MediaType mediaType, Optional<String> artifactType,
                                      Optional<Digest> subject, long compressedSize, Instant pushedAt) {
}
