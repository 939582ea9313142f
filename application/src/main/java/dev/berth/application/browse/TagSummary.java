package dev.berth.application.browse;

import dev.berth.domain.Digest;
import dev.berth.domain.Tag;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.Platform;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One row of a repository's tag grid.
 *
 * @param artifactType   what it is when it is no image (an SBOM's, a signature's type)
 * @param platforms      for an index, its images' platforms; else empty
 * @param compressedSize what a pull transfers at most: an image's manifest, config and layers; an
 *                       index's manifest, its images' manifests and their distinct blobs
 * @param pushedAt       when the tag was last set
 */
public record TagSummary(Tag tag, Digest digest, MediaType mediaType, Optional<String> artifactType,
                         List<Platform> platforms, long compressedSize, Instant pushedAt) {

    public TagSummary {
        platforms = List.copyOf(platforms);
    }
}
