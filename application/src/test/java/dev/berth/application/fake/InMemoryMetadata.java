package dev.berth.application.fake;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UploadSession;
import dev.berth.application.port.UploadSessionStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.UploadId;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Every metadata port in memory, for fast use-case tests; passes the same contract as the
 * PostgreSQL adapter, integrity rules included. One lock makes it thread-safe: a transaction holds
 * it throughout (so transactions are serial) and puts the state back as it was when its work throws.
 */
public final class InMemoryMetadata implements RepositoryCatalog, BlobLinkStore, ManifestStore, TagStore,
        UploadSessionStore, Transactions {

    private State state = new State();
    /** While a transaction is open: the state to go back to if it fails. */
    private State beforeTransaction;
    /** Whether work inside the open transaction threw, even if the caller caught it. */
    private boolean rollbackOnly;

    // --- Transactions

    @Override
    public synchronized <T> T inTransaction(Supplier<T> work) {
        if (beforeTransaction != null) {
            return atomically(work);
        }
        beforeTransaction = state.copy();
        try {
            T result = work.get();
            if (rollbackOnly) {
                throw new IllegalStateException("Transaction rolled back: work inside it failed");
            }
            return result;
        } catch (RuntimeException | Error e) {
            state = beforeTransaction;
            throw e;
        } finally {
            beforeTransaction = null;
            rollbackOnly = false;
        }
    }

    /** Runs one operation, which checks before it changes anything; a failure dooms the open transaction. */
    private synchronized <T> T atomically(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RuntimeException | Error e) {
            if (beforeTransaction != null) {
                rollbackOnly = true;
            }
            throw e;
        }
    }

    // --- RepositoryCatalog

    @Override
    public synchronized void ensure(RepositoryName name) {
        state.repositories.add(name.value());
    }

    @Override
    public synchronized boolean exists(RepositoryName name) {
        return state.repositories.contains(name.value());
    }

    @Override
    public synchronized List<RepositoryName> list(Optional<String> after, int limit) {
        // String order is byte order for the ASCII that repository names are made of
        return state.repositories.tailSet(after.orElse(""), false).stream()
                .limit(limit)
                .map(RepositoryName::new)
                .toList();
    }

    // --- BlobLinkStore

    @Override
    public synchronized void recordBlob(Digest digest, long size) {
        state.blobs.putIfAbsent(digest, size);
    }

    @Override
    public synchronized OptionalLong blobSize(Digest digest) {
        Long size = state.blobs.get(digest);
        return size == null ? OptionalLong.empty() : OptionalLong.of(size);
    }

    @Override
    public void link(RepositoryName repository, Digest digest) {
        atomically(() -> {
            requireRecorded(digest);
            ensure(repository);
            return state.links.add(new Link(repository, digest));
        });
    }

    @Override
    public synchronized OptionalLong linkedSize(RepositoryName repository, Digest digest) {
        return state.links.contains(new Link(repository, digest)) ? blobSize(digest) : OptionalLong.empty();
    }

    @Override
    public synchronized boolean unlink(RepositoryName repository, Digest digest) {
        return state.links.remove(new Link(repository, digest));
    }

    // --- ManifestStore

    @Override
    public void put(RepositoryName repository, StoredManifest manifest) {
        atomically(() -> {
            ManifestKey key = new ManifestKey(repository, manifest.digest());
            if (state.manifests.containsKey(key)) {
                return null;
            }
            manifest.blobs().forEach(this::requireRecorded);
            for (Digest child : manifest.children()) {
                if (!state.manifests.containsKey(new ManifestKey(repository, child))) {
                    throw new IllegalStateException("No manifest " + child + " in " + repository + " to list as a child");
                }
            }
            ensure(repository);
            state.manifests.put(key, manifest);
            return null;
        });
    }

    @Override
    public synchronized Optional<StoredManifest> get(RepositoryName repository, Digest digest) {
        return Optional.ofNullable(state.manifests.get(new ManifestKey(repository, digest)));
    }

    @Override
    public synchronized Optional<StoredManifest> getTagged(RepositoryName repository, Tag tag) {
        return resolve(repository, tag).flatMap(digest -> get(repository, digest));
    }

    @Override
    public synchronized boolean exists(RepositoryName repository, Digest digest) {
        return state.manifests.containsKey(new ManifestKey(repository, digest));
    }

    @Override
    public boolean delete(RepositoryName repository, Digest digest) {
        return atomically(() -> {
            if (isChildOfAnother(repository, digest)) {
                throw new IllegalStateException("Manifest " + digest + " in " + repository + " is listed by an index");
            }
            if (state.manifests.remove(new ManifestKey(repository, digest)) == null) {
                return false;
            }
            state.tags.entrySet().removeIf(tag -> tag.getKey().repository().equals(repository)
                    && tag.getValue().equals(digest));
            return true;
        });
    }

    @Override
    public synchronized boolean isChildOfAnother(RepositoryName repository, Digest digest) {
        return state.manifests.entrySet().stream()
                .anyMatch(m -> m.getKey().repository().equals(repository) && m.getValue().children().contains(digest));
    }

    @Override
    public synchronized List<StoredManifest> referrers(RepositoryName repository, Digest subject,
                                                       Optional<String> artifactType) {
        // a stable sort of the map's insertion order: ties in push time stay in the order pushed
        return state.manifests.entrySet().stream()
                .filter(m -> m.getKey().repository().equals(repository))
                .map(Map.Entry::getValue)
                .filter(m -> subject.equals(m.subject()))
                .filter(m -> artifactType.isEmpty() || artifactType.get().equals(m.artifactType()))
                .sorted(Comparator.comparing(StoredManifest::pushedAt))
                .toList();
    }

    // --- TagStore

    @Override
    public void tag(RepositoryName repository, Tag tag, Digest manifest) {
        atomically(() -> {
            if (!exists(repository, manifest)) {
                throw new IllegalStateException("No manifest " + manifest + " in " + repository + " to tag " + tag);
            }
            return state.tags.put(new TagKey(repository, tag.value()), manifest);
        });
    }

    @Override
    public synchronized Optional<Digest> resolve(RepositoryName repository, Tag tag) {
        return Optional.ofNullable(state.tags.get(new TagKey(repository, tag.value())));
    }

    @Override
    public synchronized List<Tag> list(RepositoryName repository, Optional<String> after, int limit) {
        String from = after.orElse("");
        // String order is byte order for the ASCII that tags are made of
        return state.tags.keySet().stream()
                .filter(key -> key.repository().equals(repository) && key.name().compareTo(from) > 0)
                .map(TagKey::name)
                .sorted()
                .limit(limit)
                .map(Tag::new)
                .toList();
    }

    @Override
    public synchronized boolean untag(RepositoryName repository, Tag tag) {
        return state.tags.remove(new TagKey(repository, tag.value())) != null;
    }

    // --- UploadSessionStore

    @Override
    public synchronized void create(UploadSession session) {
        ensure(session.repository());
        state.uploads.put(session.id(), session);
    }

    @Override
    public synchronized Optional<UploadSession> find(RepositoryName repository, UploadId id) {
        return Optional.ofNullable(state.uploads.get(id)).filter(s -> s.repository().equals(repository));
    }

    @Override
    public synchronized boolean advance(UploadSession session, long expectedOffset) {
        UploadSession current = state.uploads.get(session.id());
        if (current == null || current.offset() != expectedOffset) {
            return false;
        }
        state.uploads.put(session.id(), session);
        return true;
    }

    @Override
    public synchronized boolean delete(UploadId id) {
        return state.uploads.remove(id) != null;
    }

    private void requireRecorded(Digest digest) {
        if (!state.blobs.containsKey(digest)) {
            throw new IllegalStateException("Blob " + digest + " was never recorded");
        }
    }

    private record Link(RepositoryName repository, Digest digest) {
    }

    private record ManifestKey(RepositoryName repository, Digest digest) {
    }

    private record TagKey(RepositoryName repository, String name) {
    }

    /** Collections of immutable values, so that a shallow copy is a snapshot. */
    private static final class State {
        final TreeSet<String> repositories;
        final Map<Digest, Long> blobs;
        final Set<Link> links;
        /** In push order, which {@link #referrers} keeps for equal push times. */
        final LinkedHashMap<ManifestKey, StoredManifest> manifests;
        final Map<TagKey, Digest> tags;
        final Map<UploadId, UploadSession> uploads;

        State() {
            this(new TreeSet<>(), new HashMap<>(), new HashSet<>(), new LinkedHashMap<>(), new HashMap<>(),
                    new HashMap<>());
        }

        private State(TreeSet<String> repositories, Map<Digest, Long> blobs, Set<Link> links,
                      LinkedHashMap<ManifestKey, StoredManifest> manifests, Map<TagKey, Digest> tags,
                      Map<UploadId, UploadSession> uploads) {
            this.repositories = repositories;
            this.blobs = blobs;
            this.links = links;
            this.manifests = manifests;
            this.tags = tags;
            this.uploads = uploads;
        }

        State copy() {
            return new State(new TreeSet<>(repositories), new HashMap<>(blobs), new HashSet<>(links),
                    new LinkedHashMap<>(manifests), new HashMap<>(tags), new HashMap<>(uploads));
        }
    }
}
