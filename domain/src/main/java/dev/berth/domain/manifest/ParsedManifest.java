package dev.berth.domain.manifest;

import java.util.List;
import java.util.Map;

/**
 * What the registry needs to know about a manifest, derived from its bytes by {@link ManifestParser}.
 * The bytes stay the truth (the manifest's digest is over them); this view is never serialised back.
 */
public sealed interface ParsedManifest permits ImageManifest, ImageIndex, SchemaOneManifest {

    /**
     * The manifest's media type: the declared content type, which the payload agrees with; for
     * schema 1, whether it is signed ({@code v1+prettyjws}) or not ({@code v1+json}).
     */
    MediaType mediaType();

    /** 2, or 1 for a {@link SchemaOneManifest}. */
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

    /** Every blob the manifest lists: an image's config, then its layers, foreign ones included. */
    List<Descriptor> referencedBlobs();

    /**
     * Blobs that must be linked in the repository before this manifest may be stored: the config
     * always, and every layer that names no {@link Descriptor#urls()}.
     */
    List<Descriptor> requiredBlobs();

    /**
     * Non-distributable layers: layers with {@link Descriptor#urls()}, which may live outside the
     * registry. Only layers may: a config with urls is still required, since the registry reads it
     * (for display) and must never read another repository's.
     */
    List<Descriptor> foreignLayers();

    /** Manifests that must be in the repository before this manifest may be stored. */
    List<Descriptor> referencedManifests();
}
