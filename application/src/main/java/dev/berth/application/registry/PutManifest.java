package dev.berth.application.registry;

import dev.berth.application.maintenance.ImmutableTags;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.event.RegistryEvents;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.usage.QuotaGuard;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.manifest.Descriptor;
import dev.berth.domain.manifest.ImageManifest;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.ParsedManifest;
import dev.berth.domain.manifest.SchemaOneManifest;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Use case: store a manifest under a tag or its digest. The bytes are the truth: the digest is over
 * exactly the bytes received (a signed schema 1 manifest's over them without the signatures, as
 * Distribution's), and they are served back unchanged. Everything the manifest references must already be in the repository,
 * so a tag never points at something a client cannot pull.
 */
@Dependent
public class PutManifest {

    private final RepositoryCatalog catalog;
    private final ManifestStore manifests;
    private final TagStore tags;
    private final BlobLinkStore links;
    private final Transactions transactions;
    private final QuotaGuard quotas;
    private final RegistrySettings settings;
    private final Clock clock;
    private final RegistryEvents events;
    private final MaintenanceMode mode;
    private final ImmutableTags immutable;

    @Inject
    public PutManifest(RepositoryCatalog catalog, ManifestStore manifests, TagStore tags, BlobLinkStore links,
                       Transactions transactions, RegistrySettings settings, Clock clock, RegistryEvents events,
                       MaintenanceMode mode, ImmutableTags immutable, QuotaGuard quotas) {
        this.mode = mode;
        this.immutable = immutable;
        this.quotas = quotas;
        this.catalog = catalog;
        this.manifests = manifests;
        this.tags = tags;
        this.links = links;
        this.transactions = transactions;
        this.settings = settings;
        this.clock = clock;
        this.events = events;
    }

    public PushedManifest put(RepositoryName repository, Reference reference, MediaType contentType, byte[] payload) {
        mode.requireWritable();
        if (payload.length > settings.maxManifestBytes()) {
            throw new ManifestInvalidException("manifest larger than " + settings.maxManifestBytes() + " bytes");
        }
        if (ManifestParser.isSchemaOne(contentType) && !settings.schemaOneEnabled()) {
            throw new ManifestInvalidException("schema 1 manifests are not accepted (compatibility.schema1.enabled)");
        }
        ParsedManifest parsed = ManifestParser.parse(payload, contentType);
        // schema 1: over the payload without its signatures, as Distribution (one image, one digest)
        byte[] digested = parsed instanceof SchemaOneManifest schemaOne ? schemaOne.signedPayload() : payload;
        Digest digest = Digest.of(reference instanceof Digest d ? d.algorithm() : DigestAlgorithm.SHA256, digested);
        if (reference instanceof Digest named && !named.equals(digest)) {
            throw new DigestInvalidException("the manifest's digest is " + digest + ", not " + named);
        }
        requireReferencedContent(repository, parsed);

        StoredManifest stored = new StoredManifest(digest, parsed.mediaType(), payload, artifactType(parsed),
                parsed.subject() == null ? null : parsed.subject().digest(), parsed.annotations(),
                digests(storedBlobs(repository, parsed)), digests(parsed.referencedManifests()), clock.instant());
        transactions.run(() -> {
            if (reference instanceof Tag tag) {
                // inside the transaction: the tag's current digest is the one it would move from
                immutable.requireMovable(repository, tag, digest);
            }
            if (!catalog.exists(repository)) {
                quotas.admitRepository(repository);
            }
            quotas.admitManifest(repository, manifests.exists(repository, digest) ? 0 : payload.length);
            catalog.ensure(repository);
            manifests.put(repository, stored);
            if (reference instanceof Tag tag) {
                tags.tag(repository, tag, digest);
            }
            events.manifestPushed(repository, digest, parsed.mediaType(), payload.length,
                    reference instanceof Tag tag ? tag : null, references(parsed));
        });
        return new PushedManifest(digest, Optional.ofNullable(stored.subject()));
    }

    private void requireReferencedContent(RepositoryName repository, ParsedManifest parsed) {
        // the config too, urls or not: the same answer whether or not the digest exists elsewhere
        for (Descriptor blob : parsed.requiredBlobs()) {
            if (links.linkedSize(repository, blob.digest()).isEmpty()) {
                throw new ManifestBlobUnknownException(blob.digest().toString());
            }
        }
        for (Descriptor child : parsed.referencedManifests()) {
            if (!manifests.exists(repository, child.digest())) {
                // Distribution's answer, too: a missing child is missing content of this push
                throw new ManifestBlobUnknownException(child.digest().toString());
            }
        }
    }

    /**
     * The blobs this repository holds for the manifest: the required ones (checked above), then the
     * foreign layers it happens to hold; foreign layers that live elsewhere are not among them.
     */
    private List<Descriptor> storedBlobs(RepositoryName repository, ParsedManifest parsed) {
        List<Descriptor> stored = new ArrayList<>(parsed.requiredBlobs());
        parsed.foreignLayers().stream()
                .filter(layer -> links.linkedSize(repository, layer.digest()).isPresent())
                .forEach(stored::add);
        return stored;
    }

    /** What the referrers API reports: the artifactType, else an image manifest's config type. */
    static String artifactType(ParsedManifest parsed) {
        if (parsed.artifactType() != null) {
            return parsed.artifactType().toString();
        }
        return parsed instanceof ImageManifest image ? image.config().mediaType().toString() : null;
    }

    /** What a manifest event lists: config and layers, then the manifests an index lists. */
    static List<Descriptor> references(ParsedManifest parsed) {
        List<Descriptor> all = new ArrayList<>(parsed.referencedBlobs());
        all.addAll(parsed.referencedManifests());
        return all;
    }

    private static List<Digest> digests(List<Descriptor> descriptors) {
        return descriptors.stream().map(Descriptor::digest).distinct().toList();
    }
}
