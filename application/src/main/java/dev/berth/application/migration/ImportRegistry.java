package dev.berth.application.migration;

import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.DistributionStorage;
import dev.berth.application.port.DistributionStorage.Link;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.StorageFullException;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.TagStore;
import dev.berth.application.registry.HashingInputStream;
import dev.berth.application.registry.PutManifest;
import dev.berth.application.registry.RegistrySettings;
import dev.berth.domain.Digest;
import dev.berth.domain.Digester;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.json.JsonNumber;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.MediaType;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Use case: import the storage tree of a CNCF Distribution registry ({@code registry:2}): what
 * {@code berth.jar import-registry} runs.
 *
 * <p>Per repository: first the blobs it may serve ({@code _layers}), each verified against its digest
 * and then hard-linked into Berth's store (copied when linking is impossible or not wanted) before it
 * is recorded; then its manifests, through {@link PutManifest} exactly as a push (same bytes, digest,
 * referenced content, subject); then its tags. Whatever Berth already holds is skipped, so a second
 * run finds nothing to do and a run that was interrupted completes on the next.
 *
 * <p>What is wrong in the tree (a broken link, a missing or corrupt blob, a manifest Berth refuses, a
 * tag pointing at nothing) is named through {@code say} and left out; it never stops the import.
 */
@Dependent
public class ImportRegistry {

    private final BlobStore storage;
    private final BlobLinkStore links;
    private final ManifestStore manifests;
    private final TagStore tags;
    private final PutManifest putManifest;
    private final MaintenanceMode mode;
    private final RegistrySettings settings;

    @Inject
    public ImportRegistry(BlobStore storage, BlobLinkStore links, ManifestStore manifests, TagStore tags,
                          PutManifest putManifest, MaintenanceMode mode, RegistrySettings settings) {
        this.storage = storage;
        this.links = links;
        this.manifests = manifests;
        this.tags = tags;
        this.putManifest = putManifest;
        this.mode = mode;
        this.settings = settings;
    }

    /**
     * @param dryRun only tell what would be imported; change nothing, read no blob's content
     * @param copy   copy every blob, never hard-link one
     * @param say    told each problem and each repository's import, a line at a time
     * @throws dev.berth.domain.error.UnsupportedException when the registry is read-only (and this is no dry run)
     * @throws UncheckedIOException when the tree cannot be listed, or Berth's storage is full
     */
    public Report run(DistributionStorage source, boolean dryRun, boolean copy, Consumer<String> say) {
        if (!dryRun) {
            mode.requireWritable();
        }
        Run run = new Run(source, dryRun, copy, say);
        try {
            for (String repository : source.repositories()) {
                run.repository(repository);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source.location() + ": " + e.getMessage(), e);
        }
        return run.report();
    }

    /**
     * What the run did (or, dry, would do).
     *
     * @param repositories repositories that got something
     * @param blobs        blobs put into Berth's store: {@code linked} plus {@code copied}
     * @param bytes        their bytes
     * @param blobLinks    blobs made visible to a repository
     * @param problems     what was left out, each named
     */
    public record Report(boolean dryRun, int repositories, long manifests, long tags, long blobs, long bytes,
                         long linked, long copied, long blobLinks, List<String> problems) {

        /** Nothing was (or would be) imported: everything is in Berth already, or the tree is empty. */
        public boolean nothingToDo() {
            return repositories == 0 && blobs == 0;
        }
    }

    /** One import's state: the blobs already brought in, the counts, whether hard links work here. */
    private final class Run {

        private final DistributionStorage source;
        private final boolean dryRun;
        private final Consumer<String> say;
        /** The size of each blob this run found in (or brought to) Berth's store; empty when it could not. */
        private final Map<Digest, OptionalLong> brought = new HashMap<>();
        private final List<String> problems = new ArrayList<>();
        private boolean linking;
        private int repositories;
        private long manifestCount;
        private long tagCount;
        private long blobs;
        private long bytes;
        private long linked;
        private long copied;
        private long blobLinks;

        Run(DistributionStorage source, boolean dryRun, boolean copy, Consumer<String> say) {
            this.source = source;
            this.dryRun = dryRun;
            this.say = say;
            this.linking = !copy;
        }

        Report report() {
            return new Report(dryRun, repositories, manifestCount, tagCount, blobs, bytes, linked, copied, blobLinks,
                    List.copyOf(problems));
        }

        void repository(String found) throws IOException {
            RepositoryName repository;
            try {
                repository = RepositoryName.parse(found);
            } catch (RegistryException e) {
                problem("repository " + found + ": not a valid repository name, skipped (" + describe(e) + ")");
                return;
            }
            long blobLinksBefore = blobLinks;
            for (Link layer : source.layers(found)) {
                linkedDigest(repository, "_layers", layer).ifPresent(digest -> blob(repository, digest));
            }
            Map<Digest, byte[]> imported = manifests(repository, found);
            long taggedNow = tags(repository, found, imported.keySet());
            long linkedNow = blobLinks - blobLinksBefore;
            if (linkedNow + imported.size() + taggedNow > 0) {
                repositories++;
                say.accept(repository + ": " + (dryRun ? "would import " : "imported ") + linkedNow + " blob links, "
                        + imported.size() + " manifests, " + taggedNow + " tags");
            }
        }

        /** Makes the blob visible to the repository, bringing its content into Berth's store first if needed. */
        private void blob(RepositoryName repository, Digest digest) {
            if (links.linkedSize(repository, digest).isPresent()) {
                return;
            }
            OptionalLong size = brought.computeIfAbsent(digest, d -> bring(repository, d));
            if (size.isEmpty()) {
                return;
            }
            if (!dryRun) {
                links.recordAndLink(repository, digest, size.getAsLong());
            }
            blobLinks++;
        }

        /** @return the size of the content now in Berth's store; empty when it could not be brought */
        private OptionalLong bring(RepositoryName repository, Digest digest) {
            try {
                OptionalLong stored = storage.size(digest);
                if (stored.isPresent()) {
                    // committed content is verified content: pushed earlier, or by a run that was interrupted
                    return stored;
                }
                OptionalLong size = source.size(digest);
                if (size.isEmpty()) {
                    problem("blob " + digest + " of " + repository + ": missing from " + source.location()
                            + " (its _layers link is dangling)");
                    return OptionalLong.empty();
                }
                if (!dryRun && !store(digest)) {
                    return OptionalLong.empty();
                }
                blobs++;
                bytes += size.getAsLong();
                return size;
            } catch (StorageFullException e) {
                throw new UncheckedIOException(e);
            } catch (IOException e) {
                problem("blob " + digest + " of " + repository + ": could not be imported: " + e.getMessage());
                return OptionalLong.empty();
            }
        }

        /**
         * Puts the verified content into Berth's store: hard-linked (no bytes written) when the source
         * is a local file and linking works here, copied otherwise.
         *
         * @return false when the content is corrupt
         */
        private boolean store(Digest digest) throws IOException {
            Optional<Path> file = source.file(digest);
            if (linking && file.isPresent()) {
                Digest actual;
                try (InputStream in = source.open(digest)) {
                    actual = hash(digest, in);
                }
                if (!actual.equals(digest)) {
                    corrupt(digest, actual);
                    return false;
                }
                if (storage.linkContent(file.get(), digest)) {
                    linked++;
                    return true;
                }
                linking = false;
                say.accept("cannot hard-link " + file.get() + " into " + storage.location()
                        + " (another filesystem, or not permitted): copying blobs instead");
            }
            return copy(digest);
        }

        /** Copies the blob through an upload, hashing as it goes; commits it only when the digest matches. */
        private boolean copy(Digest digest) throws IOException {
            UploadId upload = UploadId.random();
            try {
                Digester digester = digest.algorithm().newDigester();
                try (InputStream in = new HashingInputStream(source.open(digest), digester)) {
                    storage.writeUpload(upload, 0, in);
                }
                Digest actual = digester.finish();
                if (!actual.equals(digest)) {
                    corrupt(digest, actual);
                    return false;
                }
                storage.commitUpload(upload, digest);
                copied++;
                return true;
            } finally {
                storage.deleteUpload(upload);
            }
        }

        private void corrupt(Digest digest, Digest actual) {
            problem("blob " + digest + ": corrupt in " + source.location() + " (its content hashes to " + actual
                    + "), not imported");
        }

        /** @return the manifests imported (or to import), with their bytes */
        private Map<Digest, byte[]> manifests(RepositoryName repository, String found) throws IOException {
            // images before indexes, so that an index finds the images it lists
            Map<Digest, byte[]> images = new LinkedHashMap<>();
            Map<Digest, byte[]> indexes = new LinkedHashMap<>();
            for (Link revision : source.revisions(found)) {
                Optional<Digest> digest = linkedDigest(repository, "_manifests/revisions", revision);
                if (digest.isEmpty() || manifests.exists(repository, digest.get())) {
                    continue;
                }
                Optional<byte[]> payload = payload(repository, digest.get());
                if (payload.isPresent()) {
                    (looksLikeIndex(payload.get()) ? indexes : images).put(digest.get(), payload.get());
                }
            }
            Map<Digest, byte[]> pending = new LinkedHashMap<>(images);
            pending.putAll(indexes);
            if (dryRun) {
                manifestCount += pending.size();
                return pending;
            }
            Map<Digest, byte[]> imported = new LinkedHashMap<>();
            Map<Digest, RegistryException> refused = new LinkedHashMap<>();
            boolean progress = true;
            // an index listing an index: a later pass imports it once its children are in
            while (!pending.isEmpty() && progress) {
                progress = false;
                refused.clear();
                for (var manifest : List.copyOf(pending.entrySet())) {
                    try {
                        putManifest.put(repository, manifest.getKey(), mediaTypeOf(manifest.getValue()),
                                manifest.getValue());
                        imported.put(manifest.getKey(), manifest.getValue());
                        pending.remove(manifest.getKey());
                        progress = true;
                    } catch (ManifestBlobUnknownException e) {
                        refused.put(manifest.getKey(), e);
                    } catch (RegistryException e) {
                        problem("manifest " + manifest.getKey() + " of " + repository + ": refused: " + describe(e));
                        pending.remove(manifest.getKey());
                    }
                }
            }
            refused.forEach((digest, e) -> problem("manifest " + digest + " of " + repository
                    + ": refused: " + describe(e)));
            manifestCount += imported.size();
            return imported;
        }

        /** The manifest's bytes, verified against its digest. */
        private Optional<byte[]> payload(RepositoryName repository, Digest digest) throws IOException {
            if (source.size(digest).isEmpty()) {
                problem("manifest " + digest + " of " + repository + ": missing from " + source.location()
                        + " (its revision link is dangling)");
                return Optional.empty();
            }
            byte[] payload;
            try (InputStream in = source.open(digest)) {
                payload = in.readNBytes(settings.maxManifestBytes() + 1);
            }
            if (payload.length > settings.maxManifestBytes()) {
                problem("manifest " + digest + " of " + repository + ": larger than " + settings.maxManifestBytes()
                        + " bytes, not imported");
                return Optional.empty();
            }
            Digest actual = Digest.of(digest.algorithm(), payload);
            if (!actual.equals(digest)) {
                problem("manifest " + digest + " of " + repository + ": corrupt in " + source.location()
                        + " (its content hashes to " + actual + "), not imported");
                return Optional.empty();
            }
            return Optional.of(payload);
        }

        /**
         * @param importable manifests this run imported (or, dry, would import) in the repository
         * @return tags set (or to set)
         */
        private long tags(RepositoryName repository, String found, Set<Digest> importable) throws IOException {
            long count = 0;
            for (Link link : source.tags(found)) {
                Tag tag;
                try {
                    tag = Tag.parse(link.name());
                } catch (RegistryException e) {
                    problem("tag " + link.name() + " of " + repository + ": not a valid tag, skipped");
                    continue;
                }
                Optional<Digest> digest = link.target().flatMap(ImportRegistry::digest);
                if (digest.isEmpty()) {
                    problem("tag " + tag.value() + " of " + repository + ": broken link (current/link "
                            + link.target().map(t -> "reads '" + t + "'").orElse("is missing") + "), skipped");
                    continue;
                }
                if (digest.equals(tags.resolve(repository, tag))) {
                    continue;
                }
                Optional<StoredManifest> manifest = manifests.get(repository, digest.get());
                if (dryRun && manifest.isEmpty() && importable.contains(digest.get())) {
                    count++;
                } else if (manifest.isEmpty()) {
                    problem("tag " + tag.value() + " of " + repository + ": points at " + digest.get()
                            + ", which could not be imported; skipped");
                } else if (dryRun) {
                    count++;
                } else {
                    try {
                        putManifest.put(repository, tag, manifest.get().mediaType(), manifest.get().payload());
                        count++;
                    } catch (RegistryException e) {
                        problem("tag " + tag.value() + " of " + repository + ": refused: " + describe(e));
                    }
                }
            }
            tagCount += count;
            return count;
        }

        /** The digest a {@code _layers} or revision link names, when the link agrees with where it is. */
        private Optional<Digest> linkedDigest(RepositoryName repository, String kind, Link link) {
            Optional<Digest> named = digest(link.name());
            Optional<Digest> target = link.target().flatMap(ImportRegistry::digest);
            if (named.isEmpty() || target.isEmpty() || !named.equals(target)) {
                problem("link " + kind + "/" + link.name() + " of " + repository + ": broken ("
                        + link.target().map(t -> "reads '" + t + "'").orElse("missing or unreadable") + "), skipped");
                return Optional.empty();
            }
            return named;
        }

        private void problem(String what) {
            problems.add(what);
            say.accept("problem: " + what);
        }
    }

    private static Optional<Digest> digest(String text) {
        try {
            return Optional.of(Digest.parse(text));
        } catch (RegistryException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Digest hash(Digest expected, InputStream in) throws IOException {
        Digester digester = expected.algorithm().newDigester();
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digester.update(buffer, 0, n);
        }
        return digester.finish();
    }

    /**
     * The media type Distribution stored the manifest as, read from the bytes as Distribution does: its
     * {@code mediaType}; without one, schema 1 (unsigned unless it has signatures) when {@code schemaVersion}
     * is 1, else an OCI index when it lists manifests and an OCI image manifest otherwise. The parser then
     * checks the bytes against it.
     */
    static MediaType mediaTypeOf(byte[] payload) {
        JsonObject root = ManifestParser.rootObject(payload);
        if (root.get("mediaType") instanceof JsonString type) {
            return MediaType.parse(type.value());
        }
        if (root.get("schemaVersion") instanceof JsonNumber version && version.asExactLong().orElse(0) == 1) {
            // Distribution stores schema 1 without its signatures (and signs it when serving it)
            return root.get("signatures") == null ? MediaType.DOCKER_MANIFEST_V1 : MediaType.DOCKER_MANIFEST_V1_SIGNED;
        }
        return root.get("manifests") != null ? MediaType.OCI_INDEX_V1 : MediaType.OCI_MANIFEST_V1;
    }

    private static boolean looksLikeIndex(byte[] payload) {
        try {
            MediaType type = mediaTypeOf(payload);
            return type.equals(MediaType.OCI_INDEX_V1) || type.equals(MediaType.DOCKER_MANIFEST_LIST_V2);
        } catch (RegistryException e) {
            return false;
        }
    }

    private static String describe(RegistryException e) {
        return e.getMessage() + (e.detail() == null ? "" : ": " + e.detail());
    }
}
