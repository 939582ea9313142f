package dev.berth.application.registry;

/**
 * Limits and switches of the registry protocol, from configuration.
 *
 * @param deleteEnabled    whether blobs, manifests and tags may be deleted through the API
 * @param maxManifestBytes the largest manifest accepted (4 MiB by default, as Distribution)
 * @param maxPageSize      the most tags or repositories one list request returns, whatever n says
 * @param redirectBlobs    whether blob GETs redirect to the storage driver's direct URL when it has one
 *                         ({@code storage.redirect.disable: false})
 * @param schemaOneEnabled whether schema 1 manifests may be pushed and old clients get images converted to
 *                         schema 1 ({@code compatibility.schema1.enabled}, on by default)
 */
public record RegistrySettings(boolean deleteEnabled, int maxManifestBytes, int maxPageSize, boolean redirectBlobs,
                               boolean schemaOneEnabled) {

    public static final int DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_PAGE_SIZE = 1000;

    /** With schema 1 compatibility on, its default. */
    public RegistrySettings(boolean deleteEnabled, int maxManifestBytes, int maxPageSize, boolean redirectBlobs) {
        this(deleteEnabled, maxManifestBytes, maxPageSize, redirectBlobs, true);
    }

    public RegistrySettings {
        if (maxManifestBytes < 1 || maxPageSize < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
