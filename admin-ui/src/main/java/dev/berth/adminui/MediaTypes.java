package dev.berth.adminui;

import dev.berth.domain.manifest.MediaType;

/** Short names for the manifest types a registry holds; the full type is in the tooltip. */
final class MediaTypes {

    private MediaTypes() {
    }

    static String label(MediaType mediaType) {
        return switch (mediaType.toString()) {
            case "application/vnd.oci.image.manifest.v1+json" -> "OCI image";
            case "application/vnd.oci.image.index.v1+json" -> "OCI index";
            case "application/vnd.docker.distribution.manifest.v2+json" -> "Docker image";
            case "application/vnd.docker.distribution.manifest.list.v2+json" -> "Docker manifest list";
            case "application/vnd.docker.distribution.manifest.v1+prettyjws" -> "Docker schema 1 (signed)";
            case "application/vnd.docker.distribution.manifest.v1+json" -> "Docker schema 1";
            default -> mediaType.toString();
        };
    }
}
