package dev.berth.application.browse;

import dev.berth.domain.manifest.MediaType;

import java.util.Optional;
import java.util.Set;

/**
 * What a manifest is, when it is no image: the stored artifact type holds the manifest's
 * artifactType, else (as the referrers API reports it) its config's media type, which for an
 * ordinary image is an image config and says nothing.
 */
final class ArtifactTypes {

    static final Set<MediaType> IMAGE_CONFIG_TYPES = Set.of(MediaType.OCI_CONFIG_V1, MediaType.DOCKER_CONTAINER_CONFIG_V1);

    private ArtifactTypes() {
    }

    /** @param stored the stored artifact type, or null */
    static Optional<String> of(String stored) {
        return Optional.ofNullable(stored).filter(type -> IMAGE_CONFIG_TYPES.stream().noneMatch(i -> i.toString().equals(type)));
    }
}
