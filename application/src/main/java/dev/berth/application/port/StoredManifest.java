package dev.berth.application.port;

import dev.berth.domain.Digest;
import dev.berth.domain.manifest.MediaType;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A manifest as stored: the exact bytes received (its digest is over them) plus what was derived
 * from them once, at push time, so that reads never parse.
 *
 * @param artifactType the manifest's artifactType, else its config media type for image manifests
 *                     (what the referrers API reports), or null
 * @param subject      the manifest this one refers to (signatures, SBOMs), or null
 * @param blobs        config and layers: must be linked to the repository
 * @param children     manifests of an index: must exist in the repository
 */
public record StoredManifest(Digest digest, MediaType mediaType, byte[] payload, String artifactType,
                             Digest subject, Map<String, String> annotations, List<Digest> blobs,
                             List<Digest> children, Instant pushedAt) {

    public StoredManifest {
        Objects.requireNonNull(digest);
        Objects.requireNonNull(mediaType);
        Objects.requireNonNull(payload);
        Objects.requireNonNull(pushedAt);
        annotations = Map.copyOf(annotations);
        blobs = List.copyOf(blobs);
        children = List.copyOf(children);
    }

    public long size() {
        return payload.length;
    }
}
