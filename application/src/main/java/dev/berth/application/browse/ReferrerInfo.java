package dev.berth.application.browse;

import dev.berth.domain.Digest;
import dev.berth.domain.manifest.MediaType;

import java.time.Instant;
import java.util.Map;

/**
 * A manifest whose subject is the described one (a signature, an SBOM).
 *
 * @param artifactType what the referrers API reports for it, "" when nothing
 */
public record ReferrerInfo(Digest digest, MediaType mediaType, String artifactType, long size, Instant pushedAt,
                           Map<String, String> annotations) {

    public ReferrerInfo {
        annotations = Map.copyOf(annotations);
    }
}
