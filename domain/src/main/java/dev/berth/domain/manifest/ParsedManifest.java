package dev.berth.domain.manifest;

import java.util.List;
import java.util.Map;

/**
 * What the registry needs to know about a manifest, derived from its bytes by {@link ManifestParser}.
 * The bytes stay the truth (the manifest's digest is over them); this view is never serialised back.
 */
public sealed interface ParsedManifest permits ImageManifest, ImageIndex {

    /** The manifest's media type: the declared content type, which the payload agrees with. */
    MediaType mediaType();

    /** Always 2: the only schema version Berth accepts. */
    int schemaVersion();

    /** The artifact type, or {@code null} when the manifest does not declare one. */
    MediaType artifactType();

    /**
     * The manifest this one refers to (a signature's image, an SBOM's image), or {@code null}.
     * It need not exist in the registry, so it is in neither {@link #referencedBlobs()} nor
     * {@link #referencedManifests()}.
     */
    Descriptor subject();

    Map<String, String> annotations();

    /** Blobs that must be in the repository before this manifest may be stored. */
    List<Descriptor> referencedBlobs();

    /** Manifests that must be in the repository before this manifest may be stored. */
    List<Descriptor> referencedManifests();
}
