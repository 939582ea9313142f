package dev.berth.application.port;

import dev.berth.domain.Digest;
import dev.berth.domain.manifest.MediaType;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A manifest whose subject is another, as the referrers API lists it: only what was stored beside
 * the payload at push time, so a list never reads payloads (up to 4 MiB each).
 *
 * @param artifactType what the referrers API reports (the artifactType, else an image's config type), or null
 * @param size         the payload's length in bytes
 */
public record Referrer(Digest digest, MediaType mediaType, String artifactType, long size,
                       Map<String, String> annotations, Instant pushedAt) {

    public Referrer {
        Objects.requireNonNull(digest);
        Objects.requireNonNull(mediaType);
        Objects.requireNonNull(pushedAt);
        annotations = Map.copyOf(annotations);
    }
}
