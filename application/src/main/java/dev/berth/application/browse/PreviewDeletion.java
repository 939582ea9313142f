package dev.berth.application.browse;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.TagStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.error.NameUnknownException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

import static dev.berth.application.browse.Wording.bytes;
import static dev.berth.application.browse.Wording.count;

/**
 * Use case: what a deletion would remove and what would stay, for the admin UI's confirmation
 * dialog. It tells what {@link DeleteImages} does, so it asks for the same right: delete. Blob bytes
 * are freed by garbage collection, which keeps a blob while any manifest references it.
 */
@Dependent
public class PreviewDeletion {

    private final RepositoryCatalog catalog;
    private final ManifestStore manifests;
    private final TagStore tags;
    private final BlobLinkStore links;

    @Inject
    public PreviewDeletion(RepositoryCatalog catalog, ManifestStore manifests, TagStore tags, BlobLinkStore links) {
        this.catalog = catalog;
        this.manifests = manifests;
        this.tags = tags;
        this.links = links;
    }

    /** @throws ManifestUnknownException when the repository has no such tag */
    public DeletionPreview tag(Caller caller, RepositoryName repository, Tag tag) {
        BrowseAccess.require(caller, Action.DELETE, repository);
        Digest digest = tags.resolve(repository, tag).orElseThrow(() -> new ManifestUnknownException(tag.toString()));
        List<Tag> others = tags.tagsOf(repository, digest).stream().filter(t -> !t.equals(tag)).toList();
        String manifest = "manifest " + Wording.digest(digest);
        return new DeletionPreview("Deletes tag " + tag + " of " + repository + "; the manifest it points at stays.",
                List.of("tag " + tag),
                List.of(others.isEmpty() ? manifest + " (untagged afterwards, still pullable by digest)"
                        : manifest + " (still tagged " + Wording.list(others) + ")"),
                0, 0);
    }

    /** @throws ManifestUnknownException when the repository has no such manifest */
    public DeletionPreview manifest(Caller caller, RepositoryName repository, Digest digest) {
        BrowseAccess.require(caller, Action.DELETE, repository);
        StoredManifest manifest = manifests.get(repository, digest)
                .orElseThrow(() -> new ManifestUnknownException(digest.toString()));
        String name = "manifest " + Wording.digest(digest);
        if (manifests.isChildOfAnother(repository, digest)) {
            // DeleteManifest refuses it: the index would list a manifest that is gone
            return new DeletionPreview(name + " cannot be deleted: an index in " + repository
                    + " lists it. Delete the index first.", List.of(), List.of(name + " (listed by an index)"), 0, 0);
        }
        List<Tag> tagged = tags.tagsOf(repository, digest);
        List<ManifestStore.BlobUse> uses = manifests.blobUses(repository, digest);
        List<ManifestStore.BlobUse> onlyHere = uses.stream().filter(u -> !u.shared()).toList();
        List<ManifestStore.BlobUse> shared = uses.stream().filter(ManifestStore.BlobUse::shared).toList();
        long reclaimable = manifest.size() + sum(onlyHere);

        List<String> removed = new ArrayList<>();
        removed.add(name + " (" + bytes(manifest.size()) + ")");
        tagged.forEach(t -> removed.add("tag " + t));
        if (!onlyHere.isEmpty()) {
            removed.add(count(onlyHere.size(), "blob") + " (" + bytes(sum(onlyHere)) + ") used only by this image");
        }
        List<String> kept = new ArrayList<>();
        if (!shared.isEmpty()) {
            kept.add(count(shared.size(), "blob") + " (" + bytes(sum(shared)) + ") shared with other images");
        }
        if (!manifest.children().isEmpty()) {
            kept.add(count(manifest.children().size(), "image") + " this index lists (each can be deleted after it)");
        }
        long referrers = manifests.countReferrers(repository, digest);
        if (referrers > 0) {
            kept.add(count(referrers, "referrer") + " (signatures, SBOMs) of this manifest");
        }
        return new DeletionPreview("Deletes " + name + " from " + repository
                + (tagged.isEmpty() ? "" : " with " + count(tagged.size(), "tag"))
                + "; " + bytes(reclaimable) + " can be reclaimed after garbage collection.",
                removed, kept, reclaimable, sum(shared));
    }

    /** @throws NameUnknownException when there is no such repository */
    public DeletionPreview repository(Caller caller, RepositoryName repository) {
        BrowseAccess.require(caller, Action.DELETE, repository);
        RepositorySummary summary = catalog.summary(repository)
                .orElseThrow(() -> new NameUnknownException(repository.toString()));
        BlobLinkStore.LinkUsage usage = links.usage(repository);
        long manifestBytes = summary.storedBytes() - usage.bytes();
        long onlyHereBytes = usage.bytes() - usage.sharedBytes();

        List<String> removed = new ArrayList<>(List.of("repository " + repository, count(summary.tags(), "tag"),
                count(summary.manifests(), "manifest") + " (" + bytes(manifestBytes) + ")"));
        if (usage.blobs() > usage.sharedBlobs()) {
            removed.add(count(usage.blobs() - usage.sharedBlobs(), "blob") + " (" + bytes(onlyHereBytes)
                    + ") only in this repository");
        }
        List<String> kept = usage.sharedBlobs() == 0 ? List.of()
                : List.of(count(usage.sharedBlobs(), "blob") + " (" + bytes(usage.sharedBytes())
                + ") shared with other repositories");
        return new DeletionPreview("Deletes repository " + repository + " with " + count(summary.tags(), "tag") + ", "
                + count(summary.manifests(), "manifest") + " and " + count(usage.blobs(), "blob") + " ("
                + bytes(summary.storedBytes()) + ").", removed, kept, manifestBytes + onlyHereBytes,
                usage.sharedBytes());
    }

    private static long sum(List<ManifestStore.BlobUse> uses) {
        return uses.stream().mapToLong(ManifestStore.BlobUse::size).sum();
    }
}
