package dev.berth.application.browse;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.TagStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.json.JsonPrettyPrinter;
import dev.berth.domain.manifest.Descriptor;
import dev.berth.domain.manifest.ImageIndex;
import dev.berth.domain.manifest.ImageManifest;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.ParsedManifest;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** Use case: one manifest with everything the admin UI's manifest page shows about it. */
@Dependent
public class DescribeManifest {

    /** A config larger than this is no image config anybody wrote; reading it would only cost memory. */
    static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;
    /** Indenting can make a 4 MiB manifest some 64 times larger: the page shows this much of it at most. */
    static final int MAX_PRETTY_JSON_BYTES = 512 * 1024;
    /** The page lists this many referrers at most and counts the rest: a subject may have thousands. */
    static final int MAX_REFERRERS_SHOWN = 200;
    /** The page links this many of the indexes listing a manifest: in practice one or two. */
    static final int MAX_LISTED_BY_SHOWN = 20;

    private final ManifestStore manifests;
    private final TagStore tags;
    private final BlobLinkStore links;
    private final BlobStore blobs;

    @Inject
    public DescribeManifest(ManifestStore manifests, TagStore tags, BlobLinkStore links, BlobStore blobs) {
        this.manifests = manifests;
        this.tags = tags;
        this.links = links;
        this.blobs = blobs;
    }

    /**
     * @throws ManifestUnknownException                  when the repository has no such manifest
     * @throws dev.berth.domain.error.DeniedException when the caller may not pull from the repository
     */
    public ManifestDetails describe(Caller caller, RepositoryName repository, Digest digest) {
        BrowseAccess.require(caller, Action.PULL, repository);
        StoredManifest stored = manifests.get(repository, digest)
                .orElseThrow(() -> new ManifestUnknownException(digest.toString()));
        // stored manifests were parsed when pushed, so this cannot fail
        ParsedManifest parsed = ManifestParser.parse(stored.payload(), stored.mediaType());
        Optional<Descriptor> configDescriptor = parsed instanceof ImageManifest image
                ? Optional.of(image.config()) : Optional.empty();
        List<LayerInfo> layers = parsed instanceof ImageManifest image
                ? image.layers().stream().map(l -> new LayerInfo(l.digest(), l.mediaType(), l.size())).toList()
                : List.of();
        List<Descriptor> listed = parsed instanceof ImageIndex index ? index.manifests() : List.of();
        // one query for the sizes of the manifest and of all it lists
        Map<Digest, Long> pullSizes = manifests.pullSizes(repository,
                Stream.concat(Stream.of(digest), listed.stream().map(Descriptor::digest)).toList());
        List<ChildManifest> children = listed.stream()
                .map(c -> new ChildManifest(c.digest(), c.mediaType(), c.size(), pullSizes.getOrDefault(c.digest(), 0L),
                        Optional.ofNullable(c.platform())))
                .toList();
        List<ReferrerInfo> referrers = manifests.referrers(repository, digest, Optional.empty(), Optional.empty(),
                        MAX_REFERRERS_SHOWN).stream()
                .map(r -> new ReferrerInfo(r.digest(), r.mediaType(), r.artifactType() == null ? "" : r.artifactType(),
                        r.size(), r.pushedAt(), r.annotations()))
                .toList();
        long referrerCount = referrers.size() < MAX_REFERRERS_SHOWN ? referrers.size()
                : manifests.countReferrers(repository, digest);
        return new ManifestDetails(repository, digest, stored.mediaType(), stored.size(),
                pullSizes.getOrDefault(digest, stored.size()), stored.pushedAt(),
                tags.tagsOf(repository, digest), JsonPrettyPrinter.print(stored.payload(), MAX_PRETTY_JSON_BYTES),
                Optional.ofNullable(parsed.subject()).map(Descriptor::digest), artifactType(parsed, configDescriptor),
                parsed.annotations(), configDescriptor, configDescriptor.flatMap(config -> config(repository, config)),
                layers, children, referrers, referrerCount,
                manifests.indexesListing(repository, digest, MAX_LISTED_BY_SHOWN));
    }

    /** The declared artifactType, else, as the OCI spec has it for artifacts, a config type that is no image's. */
    private static Optional<String> artifactType(ParsedManifest parsed, Optional<Descriptor> config) {
        if (parsed.artifactType() != null) {
            return Optional.of(parsed.artifactType().toString());
        }
        return config.map(Descriptor::mediaType).filter(type -> !ArtifactTypes.IMAGE_CONFIG_TYPES.contains(type))
                .map(MediaType::toString);
    }

    /**
     * Bounded and forgiving: the page shows the manifest even when the config is huge, gone or garbage.
     * Read through the repository: a config not linked to it (a manifest stored before configs had to
     * be) is another repository's business, so nothing of it is shown, whether it exists or not.
     */
    private Optional<ImageConfig> config(RepositoryName repository, Descriptor descriptor) {
        if (!ArtifactTypes.IMAGE_CONFIG_TYPES.contains(descriptor.mediaType()) || descriptor.size() > MAX_CONFIG_BYTES) {
            return Optional.empty();
        }
        try {
            OptionalLong size = links.linkedSize(repository, descriptor.digest());
            if (size.isEmpty() || size.getAsLong() > MAX_CONFIG_BYTES) {
                return Optional.empty();
            }
            byte[] bytes;
            try (InputStream in = blobs.read(descriptor.digest(), 0, size.getAsLong())) {
                bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
            }
            return bytes.length > MAX_CONFIG_BYTES ? Optional.empty() : ImageConfigReader.read(bytes);
        } catch (IOException | RuntimeException e) {
            // a storage driver's failure is not the manifest's: the page still shows everything else
            return Optional.empty();
        }
    }
}
