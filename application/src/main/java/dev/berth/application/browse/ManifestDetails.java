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
 * @param size             the manifest's own bytes
 * @param compressedSize   what a pull transfers at most: the manifest and its distinct blobs; for an index,
 *                         also the manifests it lists and their blobs, each blob once
 * @param prettyJson       the stored bytes indented, nothing reordered; cut with a note past a bound
 * @param artifactType     the manifest's artifactType, else the config's media type when it is no image config
 * @param configDescriptor an image manifest's config; empty for an index
 * @param config           the image config read from storage; empty when it is no image config, larger than
 *                         4 MiB, missing or unreadable, or not linked to the repository
 * @param referrers        the first referrers in digest order, at most a bounded number
 * @param referrerCount    how many referrers there are in all
 * @param listedBy         the indexes of the repository that list this manifest, the first few
 */
public record ManifestDetails(RepositoryName repository, Digest digest, MediaType mediaType, long size,
                              long compressedSize, Instant pushedAt, List<Tag> tags, String prettyJson, Optional<Digest> subject,
                              Optional<String> artifactType, Map<String, String> annotations,
                              Optional<Descriptor> configDescriptor, Optional<ImageConfig> config,
                              List<LayerInfo> layers, List<ChildManifest> children, List<ReferrerInfo> referrers,
                              long referrerCount, List<Digest> listedBy) {

    public ManifestDetails {
        tags = List.copyOf(tags);
        annotations = Map.copyOf(annotations);
        layers = List.copyOf(layers);
        children = List.copyOf(children);
        referrers = List.copyOf(referrers);
        listedBy = List.copyOf(listedBy);
    }
}
