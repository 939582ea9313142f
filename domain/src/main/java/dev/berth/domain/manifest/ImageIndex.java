package dev.berth.domain.manifest;

import dev.berth.domain.error.ManifestInvalidException;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A Docker manifest list or OCI image index: child manifests, typically one per platform. */
public record ImageIndex(MediaType mediaType, int schemaVersion, MediaType artifactType, List<Descriptor> manifests,
                         Descriptor subject, Map<String, String> annotations) implements ParsedManifest {

    /** @throws ManifestInvalidException when the media type is no index type or the version is not 2 */
    public ImageIndex {
        Objects.requireNonNull(mediaType, "mediaType");
        if (!mediaType.equals(MediaType.DOCKER_MANIFEST_LIST_V2) && !mediaType.equals(MediaType.OCI_INDEX_V1)) {
            throw new ManifestInvalidException(mediaType + " is not an image index media type");
        }
        if (schemaVersion != 2) {
            throw new ManifestInvalidException("schemaVersion must be 2, got " + schemaVersion);
        }
        manifests = List.copyOf(manifests);
        annotations = Map.copyOf(annotations);
    }

    /** None: an index references only manifests. */
    @Override
    public List<Descriptor> referencedBlobs() {
        return List.of();
    }

    @Override
    public List<Descriptor> requiredBlobs() {
        return List.of();
    }

    @Override
    public List<Descriptor> foreignLayers() {
        return List.of();
    }

    /** The child manifests, in order. */
    @Override
    public List<Descriptor> referencedManifests() {
        return manifests;
    }
}
