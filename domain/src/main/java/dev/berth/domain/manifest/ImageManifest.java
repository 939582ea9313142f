package dev.berth.domain.manifest;

import dev.berth.domain.error.ManifestInvalidException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Docker schema 2 or OCI image manifest: a config blob plus layer blobs. With an
 * {@code artifactType} or a custom config type it describes an OCI artifact (signature, SBOM, chart).
 *
 * <p>{@link #referencedBlobs()} includes layers that carry {@link Descriptor#urls()}; such
 * non-distributable layers are the only {@link #foreignLayers()}: the config is always required.
 */
public record ImageManifest(MediaType mediaType, int schemaVersion, MediaType artifactType, Descriptor config,
                            List<Descriptor> layers, Descriptor subject, Map<String, String> annotations)
        implements ParsedManifest {

    /** @throws ManifestInvalidException when the media type is no image manifest type or the version is not 2 */
    public ImageManifest {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(config, "config");
        if (!mediaType.equals(MediaType.DOCKER_MANIFEST_V2) && !mediaType.equals(MediaType.OCI_MANIFEST_V1)) {
            throw new ManifestInvalidException(mediaType + " is not an image manifest media type");
        }
        if (schemaVersion != 2) {
            throw new ManifestInvalidException("schemaVersion must be 2, got " + schemaVersion);
        }
        layers = List.copyOf(layers);
        annotations = Map.copyOf(annotations);
    }

    /** The config, then the layers in order. */
    @Override
    public List<Descriptor> referencedBlobs() {
        List<Descriptor> blobs = new ArrayList<>(layers.size() + 1);
        blobs.add(config);
        blobs.addAll(layers);
        return List.copyOf(blobs);
    }

    /** The config, even with urls, then every layer without urls. */
    @Override
    public List<Descriptor> requiredBlobs() {
        List<Descriptor> blobs = new ArrayList<>(layers.size() + 1);
        blobs.add(config);
        layers.stream().filter(layer -> layer.urls().isEmpty()).forEach(blobs::add);
        return List.copyOf(blobs);
    }

    @Override
    public List<Descriptor> foreignLayers() {
        return layers.stream().filter(layer -> !layer.urls().isEmpty()).toList();
    }

    /** None: an image manifest references only blobs. */
    @Override
    public List<Descriptor> referencedManifests() {
        return List.of();
    }
}
