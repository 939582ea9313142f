package dev.berth.application.registry;

import dev.berth.application.event.RegistryEvents;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.retention.TagPulls;
import dev.berth.domain.Digest;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.manifest.Descriptor;
import dev.berth.domain.manifest.ImageIndex;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.ParsedManifest;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.Set;

/**
 * Use case: a manifest by tag or digest, as the exact bytes pushed. A client that cannot read an
 * index (its Accept lists image manifests but no index type) gets the linux/amd64 image instead,
 * as Distribution does for old Docker clients. One that accepts no schema 2 or OCI type at all
 * (no Accept header: Docker 1.6 to 1.9) gets, by tag, that image as schema 1
 * ({@link SchemaOneForOldClients}) unless {@code compatibility.schema1.enabled} is off. By digest
 * the stored bytes are always served: they are what the digest names.
 */
@Dependent
public class GetManifest {

    private static final Set<MediaType> INDEX_TYPES = Set.of(MediaType.OCI_INDEX_V1, MediaType.DOCKER_MANIFEST_LIST_V2);
    private static final Set<MediaType> IMAGE_TYPES = Set.of(MediaType.OCI_MANIFEST_V1, MediaType.DOCKER_MANIFEST_V2);
    private static final Set<MediaType> SCHEMA_TWO_TYPES = Set.of(MediaType.OCI_MANIFEST_V1, MediaType.DOCKER_MANIFEST_V2,
            MediaType.OCI_INDEX_V1, MediaType.DOCKER_MANIFEST_LIST_V2);

    private final ManifestStore manifests;
    private final RepositoryGuard guard;
    private final RegistryEvents events;
    private final TagPulls tagPulls;
    private final RegistrySettings settings;
    private final SchemaOneForOldClients schemaOne;

    @Inject
    public GetManifest(ManifestStore manifests, RepositoryGuard guard, RegistryEvents events, TagPulls tagPulls,
                       RegistrySettings settings, SchemaOneForOldClients schemaOne) {
        this.manifests = manifests;
        this.guard = guard;
        this.events = events;
        this.tagPulls = tagPulls;
        this.settings = settings;
        this.schemaOne = schemaOne;
    }

    /** {@link #pull(RepositoryName, Reference, AcceptedTypes)}; an empty set accepts anything. */
    public StoredManifest pull(RepositoryName repository, Reference reference, Set<MediaType> accepted) {
        return pull(repository, reference, AcceptedTypes.of(accepted));
    }

    /** {@link #get}, for a client that downloads the manifest (GET, not HEAD): records the pull. */
    public StoredManifest pull(RepositoryName repository, Reference reference, AcceptedTypes accepted) {
        StoredManifest manifest = get(repository, reference, accepted);
        events.manifestPulled(repository, manifest.digest(), manifest.mediaType(), manifest.payload().length,
                reference instanceof Tag tag ? tag : null,
                () -> PutManifest.references(ManifestParser.parse(manifest.payload(), manifest.mediaType())));
        if (reference instanceof Tag tag) {
            tagPulls.pulled(repository, tag);
        }
        return manifest;
    }

    /** @param accepted the media types the client accepts; empty means any */
    public StoredManifest get(RepositoryName repository, Reference reference, Set<MediaType> accepted) {
        return get(repository, reference, AcceptedTypes.of(accepted));
    }

    public StoredManifest get(RepositoryName repository, Reference reference, AcceptedTypes accepted) {
        Optional<StoredManifest> found = switch (reference) {
            case Tag tag -> manifests.getTagged(repository, tag);
            case Digest digest -> manifests.get(repository, digest);
        };
        StoredManifest manifest = found.orElseThrow(() -> {
            guard.requireExisting(repository);
            return new ManifestUnknownException(reference.toString());
        });
        if (reference instanceof Tag tag && settings.schemaOneEnabled() && !accepted.admitsAny(SCHEMA_TWO_TYPES)) {
            StoredManifest image = INDEX_TYPES.contains(manifest.mediaType())
                    ? defaultPlatformImage(repository, manifest).orElseThrow(() -> new ManifestUnknownException(
                            "the index has no linux/amd64 image for a client without schema 2 support"))
                    : manifest;
            return schemaOne.serve(repository, tag, image);
        }
        if (reference instanceof Tag && needsDefaultPlatform(manifest, accepted)) {
            return defaultPlatformImage(repository, manifest).orElse(manifest);
        }
        return manifest;
    }

    private static boolean needsDefaultPlatform(StoredManifest manifest, AcceptedTypes accepted) {
        return INDEX_TYPES.contains(manifest.mediaType())
                && !accepted.admitsAny(INDEX_TYPES)
                && accepted.admitsAny(IMAGE_TYPES);
    }

    private Optional<StoredManifest> defaultPlatformImage(RepositoryName repository, StoredManifest index) {
        ParsedManifest parsed = ManifestParser.parse(index.payload(), index.mediaType());
        if (!(parsed instanceof ImageIndex imageIndex)) {
            return Optional.empty();
        }
        return imageIndex.manifests().stream()
                .filter(d -> d.platform() != null && "linux".equals(d.platform().os())
                        && "amd64".equals(d.platform().architecture()))
                .map(Descriptor::digest)
                .findFirst()
                .flatMap(child -> manifests.get(repository, child));
    }
}
