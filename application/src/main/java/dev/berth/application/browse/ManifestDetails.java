package dev.berth.application.browse;

import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.manifest.Descriptor;
import dev.berth.domain.manifest.MediaType;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the manifest page shows.
 *
 * @param prettyJson       the stored bytes indented, nothing reordered; cut with a note past a bound
 * @param artifactType     the manifest's artifactType, else the config's media type when it is no image config
 * @param configDescriptor an image manifest's config; empty for an index
 * @param config           the image config read from storage; empty when it is no image config, larger than
 *                         4 MiB, missing or unreadable, or not linked to the repository
 * @param referrers        the first referrers in digest order, at most a bounded number
 * @param referrerCount    how many referrers there are in all
 */
public record ManifestDetails(RepositoryName repository, Digest digest, MediaType mediaType, long size,
                              Instant pushedAt, List<Tag> tags, String prettyJson, Optional<Digest> subject,
                              Optional<String> artifactType, Map<String, String> annotations,
                              Optional<Descriptor> configDescriptor, Optional<ImageConfig> config,
                              List<LayerInfo> layers, List<ChildManifest> children, List<ReferrerInfo> referrers,
                              long referrerCount) {

    public ManifestDetails {
        tags = List.copyOf(tags);
        annotations = Map.copyOf(annotations);
        layers = List.copyOf(layers);
        children = List.copyOf(children);
        referrers = List.copyOf(referrers);
    }
}
