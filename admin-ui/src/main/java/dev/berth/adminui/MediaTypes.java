package dev.berth.adminui;

import dev.berth.domain.manifest.MediaType;

import java.util.Optional;

/** Short names for the manifest types a registry holds; the full type is in the tooltip. */
final class MediaTypes {

    private MediaTypes() {
    }

    /** An artifact's kind when the manifest is one (an SBOM, a signature, an attestation), else its manifest type. */
    static String label(MediaType mediaType, Optional<String> artifactType) {
        return artifactType.map(MediaTypes::artifact).orElseGet(() -> label(mediaType));
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

    /** The artifact types that cosign, Notation, Syft, Trivy, in-toto and Helm push; any other is named as it is. */
    static String artifact(String artifactType) {
        return switch (artifactType) {
            case "application/spdx+json", "text/spdx", "text/spdx+xml" -> "SBOM (SPDX)";
            case "application/vnd.cyclonedx+json", "application/vnd.cyclonedx+xml" -> "SBOM (CycloneDX)";
            case "application/vnd.syft+json" -> "SBOM (Syft)";
            case "application/vnd.dev.cosign.artifact.sig.v1+json", "application/vnd.dev.cosign.simplesigning.v1+json" ->
                    "Signature (cosign)";
            case "application/vnd.dev.sigstore.bundle.v0.3+json", "application/vnd.dev.sigstore.bundle+json;version=0.3" ->
                    "Signature (Sigstore bundle)";
            case "application/vnd.cncf.notary.signature" -> "Signature (Notation)";
            case "application/vnd.in-toto+json", "application/vnd.dsse.envelope.v1+json" -> "Attestation (in-toto)";
            case "application/vnd.dev.cosign.artifact.sbom.v1+json" -> "SBOM (cosign)";
            case "application/vnd.cncf.helm.config.v1+json" -> "Helm chart";
            default -> "Artifact (" + artifactType + ")";
        };
    }
}
