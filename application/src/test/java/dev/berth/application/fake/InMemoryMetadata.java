package dev.berth.application.fake;

import dev.berth.application.browse.NamespaceSummary;
import dev.berth.application.browse.RepositorySort;
import dev.berth.application.browse.RepositorySummary;
import dev.berth.application.browse.TagSort;
import dev.berth.application.event.EventAction;
import dev.berth.application.port.ActivityStore;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.Referrer;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.RepositoryFilter;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.RetentionStore;
import dev.berth.application.port.StorageUsageStore;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UploadSession;
import dev.berth.application.port.UploadSessionStore;
import dev.berth.application.retention.RetainedTag;
import dev.berth.application.retention.RetentionPolicy;
import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.Quota;
import dev.berth.application.usage.QuotaGuard;
import dev.berth.application.usage.RegistryUsage;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.manifest.MediaType;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Every metadata port in memory, for fast use-case tests; passes the same contract as the
 * PostgreSQL adapter, integrity rules included. One lock makes it thread-safe: a transaction holds
 * it throughout (so transactions are serial) and puts the state back as it was when its work throws.
 * Tags are timestamped by its clock, as PostgreSQL's {@code now()} does.
 */
public final class InMemoryMetadata implements RepositoryCatalog, BlobLinkStore, ManifestStore, TagStore,
        UploadSessionStore, Transactions, ActivityStore, GarbageCollectionStore,
        StorageUsageStore, RetentionStore {

    private static final List<MediaType> INDEX_TYPES = List.of(MediaType.OCI_INDEX_V1,
            MediaType.DOCKER_MANIFEST_LIST_V2);

    private final Clock clock;
    private State state = new State();
    /** When manifests were last pulled; written outside transactions, so kept out of the state they roll back. */
    private final Map<ManifestKey, Instant> manifestPulls = new HashMap<>();
    /** Upload leases: holder and expiry, by upload (outside the transactional state, as a lease commits at once). */
    private final Map<UploadId, Map.Entry<String, Instant>> uploadLeases = new HashMap<>();
    /** Tag times only grow, as those of successive transactions in PostgreSQL do. */
    private Instant lastTagTime = Instant.EPOCH;
    /** While a transaction is open: the state to go back to if it fails. */
    private State beforeTransaction;
    /** Whether work inside the open transaction threw, even if the caller caught it. */
    private boolean rollbackOnly;

    public InMemoryMetadata() {
        this(Clock.systemUTC());
    }

    public InMemoryMetadata(Clock clock) {
        this.clock = clock;
    }

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
    public synchronized List<RepositoryName> list(RepositoryFilter filter, Optional<String> after, int limit) {
        // String order is byte order for the ASCII that repository names are made of
        return state.repositories.tailSet(after.orElse(""), false).stream()
                .map(RepositoryName::new)
                .filter(filter::matches)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized List<RepositorySummary> browse(RepositoryFilter filter, RepositorySort sort,
                                                       boolean descending, int offset, int limit) {
        return visible(filter).map(this::summaryOf)
                .sorted(sort.order(descending))
                .skip(offset)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized long count(RepositoryFilter filter) {
        return visible(filter).count();
    }

    @Override
    public synchronized List<NamespaceSummary> namespaces(RepositoryFilter filter, int limit) {
        Map<String, Long> namespaces = new TreeMap<>();
        visible(filter).filter(name -> name.value().contains("/"))
                .forEach(name -> namespaces.merge(name.components().getFirst(), 1L, Long::sum));
        return namespaces.entrySet().stream().limit(limit)
                .map(e -> new NamespaceSummary(e.getKey(), e.getValue())).toList();
    }

    @Override
    public synchronized Optional<RepositorySummary> summary(RepositoryName name) {
        return exists(name) ? Optional.of(summaryOf(name)) : Optional.empty();
    }

    @Override
    public Optional<List<Digest>> delete(RepositoryName name) {
        return atomically(() -> {
            if (!state.repositories.remove(name.value())) {
                return Optional.empty();
            }
            List<Digest> deleted = new ArrayList<>();
            // indexes first, as they must go before the manifests they list
            Stream.of(true, false).forEach(indexes -> state.manifests.forEach((key, manifest) -> {
                if (key.repository().equals(name) && manifest.children().isEmpty() != indexes) {
                    deleted.add(key.digest());
                }
            }));
            state.manifests.forEach((key, manifest) -> {
                if (key.repository().equals(name)) {
                    manifest.blobs().forEach(blob -> queueBlob(blob, "manifest deleted"));
                }
            });
            state.manifests.keySet().removeIf(key -> key.repository().equals(name));
            state.tags.keySet().removeIf(key -> key.repository().equals(name));
            state.links.stream().filter(link -> link.repository().equals(name)).forEach(link -> queueBlob(link.digest(), "unlinked"));
            state.pulls.keySet().retainAll(state.tags.keySet());
            state.links.removeIf(link -> link.repository().equals(name));
            state.uploads.values().removeIf(session -> session.repository().equals(name));
            state.lastPush.remove(name.value());
            return Optional.of(List.copyOf(deleted));
        });
    }

    @Override
    public synchronized Totals totals() {
        long manifestBytes = state.manifests.values().stream().mapToLong(StoredManifest::size).sum();
        return new Totals(state.repositories.size(), state.tags.size(), state.manifests.size(), state.blobs.size(),
                state.blobs.values().stream().mapToLong(Long::longValue).sum() + manifestBytes);
    }

    private Stream<RepositoryName> visible(RepositoryFilter filter) {
        return state.repositories.stream().map(RepositoryName::new).filter(filter::matches);
    }

    private RepositorySummary summaryOf(RepositoryName name) {
        long tagCount = state.tags.keySet().stream().filter(key -> key.repository().equals(name)).count();
        List<StoredManifest> manifests = state.manifests.entrySet().stream()
                .filter(m -> m.getKey().repository().equals(name)).map(Map.Entry::getValue).toList();
        long blobBytes = state.links.stream().filter(link -> link.repository().equals(name))
                .mapToLong(link -> state.blobs.get(link.digest())).sum();
        return new RepositorySummary(name, tagCount, manifests.size(),
                blobBytes + manifests.stream().mapToLong(StoredManifest::size).sum(),
                Optional.ofNullable(state.lastPush.get(name.value())));
    }

    /** When a manifest was last pushed or a tag last set: like the column, it survives their deletion. */
    private void pushed(RepositoryName repository, Instant at) {
        state.lastPush.merge(repository.value(), at, (a, b) -> a.isAfter(b) ? a : b);
    }

    // --- BlobLinkStore

    @Override
    public synchronized void recordBlob(Digest digest, long size) {
        state.blobs.putIfAbsent(digest, size);
        state.missing.remove(digest);
    }

    /** One step, as PostgreSQL's row lock makes it: collection cannot delete the blob between the two. */
    @Override
    public void recordAndLink(RepositoryName repository, Digest digest, long size) {
        atomically(() -> {
            recordBlob(digest, size);
            link(repository, digest);
            return null;
        });
    }

    @Override
    public synchronized OptionalLong blobSize(Digest digest) {
        Long size = state.blobs.get(digest);
        return size == null || state.missing.contains(digest) ? OptionalLong.empty() : OptionalLong.of(size);
    }

    @Override
    public synchronized void markMissing(Digest digest) {
        if (state.blobs.containsKey(digest)) {
            state.missing.add(digest);
        }
    }

    @Override
    public synchronized List<StoredBlob> blobsAfter(Optional<Digest> after, int limit) {
        return state.blobs.entrySet().stream()
                .filter(e -> after.isEmpty() || e.getKey().toString().compareTo(after.get().toString()) > 0)
                .sorted(java.util.Map.Entry.comparingByKey(java.util.Comparator.comparing(Digest::toString)))
                .limit(limit).map(e -> new StoredBlob(e.getKey(), e.getValue(), state.missing.contains(e.getKey()))).toList();
    }

    @Override
    public void link(RepositoryName repository, Digest digest) {
        atomically(() -> {
            requireRecorded(digest);
            ensure(repository);
            queueBlob(digest, "uploaded or mounted, not yet referenced");
            return state.links.add(new Link(repository, digest));
        });
    }

    @Override
    public synchronized OptionalLong linkedSize(RepositoryName repository, Digest digest) {
        return state.links.contains(new Link(repository, digest)) ? blobSize(digest) : OptionalLong.empty();
    }

    @Override
    public synchronized boolean unlink(RepositoryName repository, Digest digest) {
        boolean removed = state.links.remove(new Link(repository, digest));
        if (removed) {
            queueBlob(digest, "unlinked");
        }
        return removed;
    }

    @Override
    public synchronized LinkUsage usage(RepositoryName repository) {
        List<Link> linked = state.links.stream().filter(link -> link.repository().equals(repository)).toList();
        List<Link> shared = linked.stream().filter(link -> state.links.stream()
                .anyMatch(o -> o.digest().equals(link.digest()) && !o.repository().equals(repository))).toList();
        return new LinkUsage(linked.size(), bytes(linked), shared.size(), bytes(shared));
    }

    private long bytes(List<Link> links) {
        return links.stream().mapToLong(link -> state.blobs.get(link.digest())).sum();
    }

    // --- ManifestStore

    @Override
    public void put(RepositoryName repository, StoredManifest manifest) {
        atomically(() -> {
            ManifestKey key = new ManifestKey(repository, manifest.digest());
            if (state.manifests.containsKey(key)) {
                return null;
            }
            manifest.blobs().stream().filter(blob -> !state.blobs.containsKey(blob)).findFirst().ifPresent(blob -> {
                throw new ManifestBlobUnknownException(blob.toString());
            });
            for (Digest child : manifest.children()) {
                if (!state.manifests.containsKey(new ManifestKey(repository, child))) {
                    throw new ManifestBlobUnknownException(child.toString());
                }
            }
            ensure(repository);
            state.manifests.put(key, manifest);
            queueManifest(key, "pushed");
            pushed(repository, manifest.pushedAt());
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
            StoredManifest removed = state.manifests.remove(new ManifestKey(repository, digest));
            if (removed == null) {
                return false;
            }
            manifestPulls.remove(new ManifestKey(repository, digest));
            queueDeleted(repository, removed);
            state.tags.entrySet().removeIf(tag -> tag.getKey().repository().equals(repository)
                    && tag.getValue().digest().equals(digest));
            state.pulls.keySet().retainAll(state.tags.keySet());
            return true;
        });
    }

    @Override
    public synchronized boolean isChildOfAnother(RepositoryName repository, Digest digest) {
        return state.manifests.entrySet().stream()
                .anyMatch(m -> m.getKey().repository().equals(repository) && m.getValue().children().contains(digest));
    }

    @Override
    public synchronized List<Referrer> referrers(RepositoryName repository, Digest subject,
                                                 Optional<String> artifactType, Optional<String> after, int limit) {
        return state.manifests.entrySet().stream()
                .filter(m -> m.getKey().repository().equals(repository))
                .map(Map.Entry::getValue)
                .filter(m -> subject.equals(m.subject()))
                .filter(m -> artifactType.isEmpty() || artifactType.get().equals(m.artifactType()))
                .filter(m -> after.isEmpty() || m.digest().toString().compareTo(after.get()) > 0)
                .sorted(Comparator.comparing(m -> m.digest().toString()))
                .limit(limit)
                .map(m -> new Referrer(m.digest(), m.mediaType(), m.artifactType(), m.size(), m.annotations(),
                        m.pushedAt()))
                .toList();
    }

    @Override
    public synchronized long countReferrers(RepositoryName repository, Digest subject) {
        return state.manifests.entrySet().stream()
                .filter(m -> m.getKey().repository().equals(repository) && subject.equals(m.getValue().subject()))
                .count();
    }

    @Override
    public synchronized List<BlobUse> blobUses(RepositoryName repository, Digest manifest) {
        ManifestKey key = new ManifestKey(repository, manifest);
        StoredManifest stored = state.manifests.get(key);
        if (stored == null) {
            return List.of();
        }
        return stored.blobs().stream().distinct()
                .map(blob -> new BlobUse(blob, state.blobs.get(blob), state.manifests.entrySet().stream()
                        .anyMatch(m -> !m.getKey().equals(key) && m.getValue().blobs().contains(blob))))
                .toList();
    }

    @Override
    public synchronized List<UntaggedManifest> untagged(RepositoryName repository, int offset, int limit) {
        return untagged(repository)
                .sorted(Comparator.comparing(StoredManifest::pushedAt).reversed()
                        .thenComparing(m -> m.digest().toString()))
                .skip(offset)
                .limit(limit)
                .map(m -> new UntaggedManifest(m.digest(), m.mediaType(), m.artifactType(), m.subject(),
                        compressedSize(repository, m), m.pushedAt()))
                .toList();
    }

    @Override
    public synchronized long countUntagged(RepositoryName repository) {
        return untagged(repository).count();
    }

    private Stream<StoredManifest> untagged(RepositoryName repository) {
        return state.manifests.entrySet().stream()
                .filter(m -> m.getKey().repository().equals(repository))
                .map(Map.Entry::getValue)
                .filter(m -> tagsOf(repository, m.digest()).isEmpty() && !isChildOfAnother(repository, m.digest()));
    }

    @Override
    public synchronized List<Digest> indexesListing(RepositoryName repository, Digest child, int limit) {
        return state.manifests.entrySet().stream()
                .filter(m -> m.getKey().repository().equals(repository) && m.getValue().children().contains(child))
                .map(m -> m.getKey().digest())
                .sorted(Comparator.comparing(Digest::toString))
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized List<Digest> indexesNaming(RepositoryName repository, Digest child, int limit) {
        String named = child.toString();
        return state.manifests.entrySet().stream()
                .filter(m -> m.getKey().repository().equals(repository) && !m.getValue().children().contains(child)
                        && (m.getValue().mediaType().equals(MediaType.OCI_INDEX_V1)
                        || m.getValue().mediaType().equals(MediaType.DOCKER_MANIFEST_LIST_V2))
                        && new String(m.getValue().payload(), StandardCharsets.UTF_8).contains(named))
                .map(m -> m.getKey().digest())
                .sorted(Comparator.comparing(Digest::toString))
                .limit(limit)
                .toList();
    }

    @Override
    public void addChild(RepositoryName repository, Digest index, Digest child) {
        atomically(() -> {
            ManifestKey key = new ManifestKey(repository, index);
            StoredManifest m = state.manifests.get(key);
            if (m == null || m.children().contains(child) || !state.manifests.containsKey(new ManifestKey(repository, child))) {
                return null;
            }
            List<Digest> children = new ArrayList<>(m.children());
            children.add(child);
            state.manifests.put(key, new StoredManifest(m.digest(), m.mediaType(), m.payload(), m.artifactType(),
                    m.subject(), m.annotations(), m.blobs(), children, m.pushedAt()));
            return null;
        });
    }

    @Override
    public synchronized long storedBytes(String prefix) {
        List<StoredManifest> under = state.manifests.entrySet().stream()
                .filter(m -> m.getKey().repository().value().startsWith(prefix)).map(Map.Entry::getValue).toList();
        return under.stream().flatMap(m -> m.blobs().stream()).distinct().mapToLong(state.blobs::get).sum()
                + under.stream().mapToLong(m -> m.payload().length).sum();
    }

    @Override
    public synchronized List<PulledManifest> leastRecentlyPulled(String prefix, int limit) {
        return state.manifests.entrySet().stream()
                .filter(m -> m.getKey().repository().value().startsWith(prefix)
                        && !isChildOfAnother(m.getKey().repository(), m.getKey().digest()))
                .map(m -> new PulledManifest(m.getKey().repository(), m.getKey().digest(),
                        manifestPulls.getOrDefault(m.getKey(), m.getValue().pushedAt())))
                .sorted(Comparator.comparing(PulledManifest::lastPulled)
                        .thenComparing(m -> m.repository().value()).thenComparing(m -> m.digest().toString()))
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized void manifestsPulled(Map<ManifestRef, Instant> pulls) {
        pulls.forEach((ref, at) -> {
            ManifestKey key = new ManifestKey(ref.repository(), ref.digest());
            if (state.manifests.containsKey(key)) {
                manifestPulls.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
            }
        });
    }

    @Override
    public synchronized Map<Digest, Long> pullSizes(RepositoryName repository, Collection<Digest> manifests) {
        Map<Digest, Long> sizes = new HashMap<>();
        manifests.forEach(digest -> get(repository, digest)
                .ifPresent(m -> sizes.put(digest, compressedSize(repository, m))));
        return sizes;
    }

    // --- TagStore

    @Override
    public void tag(RepositoryName repository, Tag tag, Digest manifest) {
        atomically(() -> {
            if (!exists(repository, manifest)) {
                throw new IllegalStateException("No manifest " + manifest + " in " + repository + " to tag " + tag);
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            lastTagTime = now.isAfter(lastTagTime) ? now : lastTagTime.plus(1, ChronoUnit.MICROS);
            pushed(repository, lastTagTime);
            TagValue before = state.tags.put(new TagKey(repository, tag.value()), new TagValue(manifest, lastTagTime));
            if (before != null && !before.digest().equals(manifest)) {
                queueManifest(new ManifestKey(repository, before.digest()), "tag moved");
            }
            return before;
        });
    }

    @Override
    public synchronized Optional<Digest> resolve(RepositoryName repository, Tag tag) {
        return Optional.ofNullable(state.tags.get(new TagKey(repository, tag.value()))).map(TagValue::digest);
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
        state.pulls.remove(new TagKey(repository, tag.value()));
        TagValue removed = state.tags.remove(new TagKey(repository, tag.value()));
        if (removed != null) {
            queueManifest(new ManifestKey(repository, removed.digest()), "tag deleted");
        }
        return removed != null;
    }

    @Override
    public synchronized List<TaggedManifest> details(RepositoryName repository, String nameContains, TagSort sort,
                                                     boolean descending, int offset, int limit,
                                                     int maxIndexPayloadBytes) {
        Comparator<TaggedManifest> byName = Comparator.comparing(t -> t.tag().value());
        Comparator<TaggedManifest> order = sort == TagSort.NAME ? byName
                : Comparator.comparing(TaggedManifest::taggedAt).thenComparing(byName);
        return tagsMatching(repository, nameContains)
                .map(e -> {
                    StoredManifest manifest = state.manifests.get(new ManifestKey(repository, e.getValue().digest()));
                    return new TaggedManifest(new Tag(e.getKey().name()), manifest.digest(), manifest.mediaType(),
                            manifest.artifactType(), compressedSize(repository, manifest), e.getValue().taggedAt(),
                            INDEX_TYPES.contains(manifest.mediaType()) && manifest.size() <= maxIndexPayloadBytes
                                    ? Optional.of(manifest.payload()) : Optional.empty());
                })
                .sorted(descending ? order.reversed() : order)
                .skip(offset)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized long count(RepositoryName repository, String nameContains) {
        return tagsMatching(repository, nameContains).count();
    }

    @Override
    public synchronized List<Tag> tagsOf(RepositoryName repository, Digest manifest) {
        return state.tags.entrySet().stream()
                .filter(e -> e.getKey().repository().equals(repository) && e.getValue().digest().equals(manifest))
                .map(e -> e.getKey().name())
                .sorted()
                .map(Tag::new)
                .toList();
    }

    private Stream<Map.Entry<TagKey, TagValue>> tagsMatching(RepositoryName repository, String nameContains) {
        return state.tags.entrySet().stream()
                .filter(e -> e.getKey().repository().equals(repository)
                        && e.getKey().name().toLowerCase(Locale.ROOT).contains(nameContains.toLowerCase(Locale.ROOT)));
    }

    /** The manifest, the manifests it lists, and the distinct blobs of all of them. */
    private long compressedSize(RepositoryName repository, StoredManifest manifest) {
        List<StoredManifest> children = manifest.children().stream().distinct()
                .map(child -> state.manifests.get(new ManifestKey(repository, child))).toList();
        long blobBytes = Stream.concat(Stream.of(manifest), children.stream())
                .flatMap(m -> m.blobs().stream()).distinct().mapToLong(state.blobs::get).sum();
        return manifest.size() + children.stream().mapToLong(StoredManifest::size).sum() + blobBytes;
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
    public synchronized int countActive(String user, Instant since) {
        return (int) state.uploads.values().stream()
                .filter(s -> s.startedBy().equals(user) && !s.updatedAt().isBefore(since)).count();
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

    /** By the id's text: the order of PostgreSQL's uuid type. */
    @Override
    public synchronized List<UploadSession> updatedBefore(Instant cutoff, Optional<UploadId> after, int limit) {
        return state.uploads.values().stream()
                .filter(s -> s.updatedAt().isBefore(cutoff))
                .filter(s -> after.isEmpty() || s.id().toString().compareTo(after.get().toString()) > 0)
                .sorted(Comparator.comparing(s -> s.id().toString()))
                .limit(limit).toList();
    }

    @Override
    public synchronized boolean deleteIfUpdatedBefore(UploadId id, Instant cutoff) {
        UploadSession current = state.uploads.get(id);
        return current != null && current.updatedAt().isBefore(cutoff) && state.uploads.remove(id) != null;
    }

    @Override
    public synchronized boolean exists(UploadId id) {
        return state.uploads.containsKey(id);
    }

    @Override
    public synchronized UploadSessionStore.Lease lease(UploadId id, String holder, Instant now, Duration length) {
        if (!state.uploads.containsKey(id)) {
            return UploadSessionStore.Lease.UNKNOWN;
        }
        Map.Entry<String, Instant> current = uploadLeases.get(id);
        if (current != null && current.getValue().isAfter(now)) {
            return UploadSessionStore.Lease.HELD;
        }
        uploadLeases.put(id, Map.entry(holder, now.plus(length)));
        return UploadSessionStore.Lease.TAKEN;
    }

    @Override
    public synchronized void releaseLease(UploadId id, String holder) {
        uploadLeases.computeIfPresent(id, (upload, lease) -> lease.getKey().equals(holder) ? null : lease);
    }

    // --- ActivityStore

    @Override
    public synchronized void add(LocalDate day, EventAction action, long count) {
        state.activity.merge(new ActivityKey(day, action), count, Long::sum);
    }

    @Override
    public synchronized long count(LocalDate day, EventAction action) {
        return state.activity.getOrDefault(new ActivityKey(day, action), 0L);
    }


    // --- GarbageCollectionStore: the queueing the V14 triggers do in PostgreSQL is done by the mutators above

    private void queueBlob(Digest digest, String reason) {
        state.gc.blobQueue.put(digest, new Queued(clock.instant(), reason));
    }

    private void queueManifest(ManifestKey key, String reason) {
        state.gc.manifestQueue.put(key, new Queued(clock.instant(), reason));
    }

    /** What PostgreSQL's cascades and triggers queue when a manifest goes. */
    private void queueDeleted(RepositoryName repository, StoredManifest removed) {
        removed.blobs().forEach(blob -> queueBlob(blob, "manifest deleted"));
        removed.children().forEach(child -> queueManifest(new ManifestKey(repository, child), "index deleted"));
        state.manifests.forEach((key, manifest) -> {
            if (key.repository().equals(repository) && removed.digest().equals(manifest.subject())) {
                queueManifest(key, "subject deleted");
            }
        });
    }

    @Override
    public synchronized List<Digest> dueBlobs(Instant dueBefore, Optional<Digest> after, int limit) {
        return state.gc.blobQueue.entrySet().stream()
                .filter(e -> !e.getValue().at().isAfter(dueBefore))
                .map(Map.Entry::getKey)
                .filter(d -> after.isEmpty() || d.toString().compareTo(after.get().toString()) > 0)
                .sorted(Comparator.comparing(Digest::toString)).limit(limit).toList();
    }

    @Override
    public synchronized List<QueuedManifest> dueManifests(Instant dueBefore, Optional<QueuedManifest> after, int limit) {
        Comparator<QueuedManifest> order = Comparator.comparing((QueuedManifest m) -> m.repository().value())
                .thenComparing(m -> m.digest().toString());
        return state.gc.manifestQueue.entrySet().stream()
                .filter(e -> !e.getValue().at().isAfter(dueBefore))
                .map(e -> new QueuedManifest(e.getKey().repository(), e.getKey().digest()))
                .filter(m -> state.repositories.contains(m.repository().value()))
                .filter(m -> after.isEmpty() || order.compare(m, after.get()) > 0)
                .sorted(order).limit(limit).toList();
    }

    @Override
    public synchronized BlobVerdict reviewBlob(Digest digest, Instant dueBefore, boolean dryRun) {
        Queued queued = state.gc.blobQueue.get(digest);
        if (queued == null || queued.at().isAfter(dueBefore)) {
            return new BlobVerdict(Verdict.NOT_DUE, 0, "");
        }
        if (!dryRun) {
            state.gc.blobQueue.remove(digest);
        }
        Long size = state.blobs.get(digest);
        if (size == null) {
            return new BlobVerdict(Verdict.GONE, 0, queued.reason());
        }
        if (state.manifests.values().stream().anyMatch(m -> m.blobs().contains(digest))) {
            return new BlobVerdict(Verdict.KEPT, size, queued.reason());
        }
        if (!dryRun) {
            state.links.removeIf(link -> link.digest().equals(digest));
            state.blobs.remove(digest);
            state.missing.remove(digest);
            state.gc.deletions.put(digest, new Deletion(size, "unreferenced (" + queued.reason() + ")", clock.instant(), null));
        }
        return new BlobVerdict(Verdict.COLLECTED, size, queued.reason());
    }

    @Override
    public synchronized Verdict reviewManifest(QueuedManifest queuedManifest, Instant dueBefore, boolean deleteUntagged,
                                               boolean dryRun) {
        ManifestKey key = new ManifestKey(queuedManifest.repository(), queuedManifest.digest());
        Queued queued = state.gc.manifestQueue.get(key);
        if (queued == null || queued.at().isAfter(dueBefore)) {
            return Verdict.NOT_DUE;
        }
        StoredManifest manifest = state.manifests.get(key);
        if (manifest == null) {
            if (!dryRun) {
                state.gc.manifestQueue.remove(key);
            }
            return Verdict.GONE;
        }
        boolean tagged = state.tags.entrySet().stream().anyMatch(t -> t.getKey().repository().equals(key.repository())
                && t.getValue().digest().equals(key.digest()));
        boolean subjectKept = manifest.subject() != null
                && state.manifests.containsKey(new ManifestKey(key.repository(), manifest.subject()));
        if (tagged || isChildOfAnother(key.repository(), key.digest()) || subjectKept) {
            if (!dryRun) {
                state.gc.manifestQueue.remove(key);
            }
            return Verdict.KEPT;
        }
        if (!deleteUntagged) {
            return Verdict.NOT_DUE;
        }
        if (!dryRun) {
            state.gc.manifestQueue.remove(key);
            state.manifests.remove(key);
            queueDeleted(key.repository(), manifest);
        }
        return Verdict.COLLECTED;
    }

    @Override
    public synchronized List<Condemned> pendingDeletions(int limit) {
        return state.gc.deletions.entrySet().stream().filter(e -> e.getValue().bytesDeletedAt() == null)
                .sorted(Comparator.comparing((Map.Entry<Digest, Deletion> e) -> e.getValue().condemnedAt())
                        .thenComparing(e -> e.getKey().toString()))
                .limit(limit)
                .map(e -> new Condemned(e.getKey(), e.getValue().size(), e.getValue().reason())).toList();
    }

    @Override
    public synchronized boolean deleteContent(Digest digest, ContentDeleter deleter) throws IOException {
        Deletion deletion = state.gc.deletions.get(digest);
        if (deletion == null || deletion.bytesDeletedAt() != null) {
            return false;
        }
        if (state.blobs.containsKey(digest)) {
            state.gc.deletions.remove(digest);
            return false;
        }
        deleter.delete(digest);
        state.gc.deletions.put(digest, new Deletion(deletion.size(), deletion.reason(), deletion.condemnedAt(),
                clock.instant()));
        return true;
    }

    @Override
    public synchronized boolean guardRecreation(Digest digest) {
        Deletion deletion = state.gc.deletions.get(digest);
        return deletion != null && deletion.bytesDeletedAt() != null;
    }

    @Override
    public synchronized List<Digest> unrecorded(List<Digest> digests) {
        return digests.stream().filter(d -> !state.blobs.containsKey(d))
                .filter(d -> !state.gc.deletions.containsKey(d) || state.gc.deletions.get(d).bytesDeletedAt() != null)
                .sorted(Comparator.comparing(Digest::toString)).toList();
    }

    @Override
    public synchronized List<Digest> noteOrphans(List<Digest> digests, Instant now, Instant firstSeenBefore) {
        digests.forEach(d -> state.gc.orphans.merge(d, new Instant[] {now, now}, (old, fresh) -> new Instant[] {old[0], now}));
        return digests.stream().filter(d -> !state.gc.orphans.get(d)[0].isAfter(firstSeenBefore))
                .sorted(Comparator.comparing(Digest::toString)).toList();
    }

    @Override
    public synchronized void forgetOrphansNotSeenSince(Instant before) {
        state.gc.orphans.values().removeIf(seen -> seen[1].isBefore(before));
    }

    @Override
    public synchronized boolean condemnOrphan(Digest digest, long size) {
        state.gc.orphans.remove(digest);
        if (state.blobs.containsKey(digest)) {
            return false;
        }
        state.gc.deletions.put(digest, new Deletion(size, ORPHAN_REASON, clock.instant(), null));
        return true;
    }

    @Override
    public synchronized void pruneDeletions(Instant before) {
        state.gc.deletions.values().removeIf(d -> d.bytesDeletedAt() != null && d.bytesDeletedAt().isBefore(before));
    }

    @Override
    public synchronized QueueStatus queueStatus() {
        Optional<Instant> oldest = Stream.concat(state.gc.blobQueue.values().stream(), state.gc.manifestQueue.values().stream())
                .map(Queued::at).min(Comparator.naturalOrder());
        return new QueueStatus(state.gc.blobQueue.size(), state.gc.manifestQueue.size(),
                pendingDeletions(Integer.MAX_VALUE).size(), oldest);
    }

    @Override
    public synchronized boolean tryLease(String holder, Instant now, Duration length) {
        if (state.gc.leaseHolder != null && !state.gc.leaseHolder.equals(holder) && !state.gc.leaseUntil.isBefore(now)) {
            return false;
        }
        state.gc.leaseHolder = holder;
        state.gc.leaseUntil = now.plus(length);
        return true;
    }

    @Override
    public synchronized void releaseLease(String holder) {
        if (holder.equals(state.gc.leaseHolder)) {
            state.gc.leaseHolder = null;
        }
    }

    @Override
    public synchronized void recordRun(Run run) {
        state.gc.runs.add(run);
    }

    @Override
    public synchronized Optional<Run> lastRun() {
        return state.gc.runs.isEmpty() ? Optional.empty() : Optional.of(state.gc.runs.getLast());
    }

    // --- StorageUsageStore: computed from everything, as a fake may; PostgreSQL keeps the numbers instead

    @Override
    public synchronized RegistryUsage registry() {
        Set<Digest> linked = new HashSet<>();
        state.links.forEach(link -> linked.add(link.digest()));
        return new RegistryUsage(namespaceUsages().filter(n -> n.repositories() > 0).count(),
                state.repositories.size(), linked.size(), linked.stream().mapToLong(state.blobs::get).sum(),
                state.manifests.values().stream().mapToLong(StoredManifest::size).sum());
    }

    @Override
    public synchronized List<NamespaceUsage> largest(int offset, int limit) {
        return namespaceUsages().sorted(Comparator.comparingLong(NamespaceUsage::storedBytes).reversed()
                        .thenComparing(NamespaceUsage::namespace, Comparator.reverseOrder()))
                .skip(offset).limit(limit).toList();
    }

    @Override
    public synchronized long countNamespaces() {
        return namespaceUsages().count();
    }

    @Override
    public synchronized Optional<NamespaceUsage> namespace(String namespace) {
        return namespaceUsages().filter(n -> n.namespace().equals(namespace)).findFirst();
    }

    @Override
    public synchronized void setQuota(String namespace, Quota quota) {
        state.quotas.put(namespace, quota);
    }

    @Override
    public synchronized Optional<NamespaceUsage> lockQuota(String namespace) {
        return namespace(namespace).filter(n -> n.quotaBytes().isPresent() || n.quotaRepositories().isPresent());
    }

    @Override
    public synchronized boolean holds(String namespace, Digest digest) {
        return state.links.stream().anyMatch(link -> link.digest().equals(digest)
                && QuotaGuard.namespaceOf(link.repository()).equals(namespace));
    }

    /** Namespaces with repositories or a quota. */
    private Stream<NamespaceUsage> namespaceUsages() {
        Set<String> namespaces = new TreeSet<>(state.quotas.keySet());
        state.repositories.forEach(name -> namespaces.add(QuotaGuard.namespaceOf(new RepositoryName(name))));
        return namespaces.stream().map(namespace -> {
            Set<Digest> linked = new HashSet<>();
            state.links.stream().filter(link -> QuotaGuard.namespaceOf(link.repository()).equals(namespace))
                    .forEach(link -> linked.add(link.digest()));
            long repositories = state.repositories.stream()
                    .filter(name -> QuotaGuard.namespaceOf(new RepositoryName(name)).equals(namespace)).count();
            long manifestBytes = state.manifests.entrySet().stream()
                    .filter(m -> QuotaGuard.namespaceOf(m.getKey().repository()).equals(namespace))
                    .mapToLong(m -> m.getValue().size()).sum();
            Quota quota = state.quotas.getOrDefault(namespace, Quota.NONE);
            return new NamespaceUsage(namespace, repositories, linked.size(),
                    linked.stream().mapToLong(state.blobs::get).sum(), manifestBytes, quota.maxBytes(),
                    quota.maxRepositories());
        }).filter(n -> n.repositories() > 0 || n.quotaBytes().isPresent() || n.quotaRepositories().isPresent());
    }

    // --- RetentionStore

    @Override
    public synchronized List<RetentionPolicy> policies() {
        return List.copyOf(state.policies.values());
    }

    @Override
    public synchronized RetentionPolicy add(RetentionPolicy policy, Instant at) {
        if (state.policies.values().stream().anyMatch(p -> p.repositories().equals(policy.repositories()))) {
            throw new IllegalArgumentException("repositories " + policy.repositories().value()
                    + " have a retention policy already");
        }
        long id = state.policies.isEmpty() ? 1 : state.policies.lastKey() + 1;
        RetentionPolicy stored = new RetentionPolicy(id, policy.repositories(), policy.keepLast(), policy.keepMatching(),
                policy.keepPulledDays());
        state.policies.put(id, stored);
        return stored;
    }

    @Override
    public synchronized boolean remove(long id) {
        return state.policies.remove(id) != null;
    }

    @Override
    public synchronized List<RetainedTag> tags(RepositoryName repository) {
        return state.tags.entrySet().stream().filter(e -> e.getKey().repository().equals(repository))
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TagKey::name)))
                .map(e -> new RetainedTag(new Tag(e.getKey().name()), e.getValue().digest(), e.getValue().taggedAt(),
                        Optional.ofNullable(state.pulls.get(e.getKey()))))
                .toList();
    }

    @Override
    public synchronized void pulled(Map<TagRef, Instant> pulls) {
        pulls.forEach((ref, at) -> {
            TagKey key = new TagKey(ref.repository(), ref.tag().value());
            if (state.tags.containsKey(key)) {
                state.pulls.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
            }
        });
    }

    @Override
    public synchronized boolean lockTag(RepositoryName repository, Tag tag, Digest digest) {
        // transactions are serial here: nothing to lock, only to check
        return resolve(repository, tag).map(digest::equals).orElse(false);
    }

    @Override
    public synchronized boolean lockManifest(RepositoryName repository, Digest digest) {
        return exists(repository, digest);
    }

    @Override
    public synchronized boolean claimRun(Instant now, Duration interval) {
        if (!state.retentionRuns.isEmpty() && state.retentionRuns.getLast().isAfter(now.minus(interval))) {
            return false;
        }
        state.retentionRuns.add(now);
        return true;
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

    private record TagValue(Digest digest, Instant taggedAt) {
    }

    private record ActivityKey(LocalDate day, EventAction action) {
    }

    private record Queued(Instant at, String reason) {
    }

    private record Deletion(long size, String reason, Instant condemnedAt, Instant bytesDeletedAt) {
    }

    /** The garbage collector's tables. */
    private static final class Gc {
        final Map<Digest, Queued> blobQueue = new HashMap<>();
        final Map<ManifestKey, Queued> manifestQueue = new HashMap<>();
        final Map<Digest, Deletion> deletions = new HashMap<>();
        /** first seen, last seen */
        final Map<Digest, Instant[]> orphans = new HashMap<>();
        final List<Run> runs = new ArrayList<>();
        String leaseHolder;
        Instant leaseUntil;

        Gc copy() {
            Gc copy = new Gc();
            copy.blobQueue.putAll(blobQueue);
            copy.manifestQueue.putAll(manifestQueue);
            copy.deletions.putAll(deletions);
            copy.orphans.putAll(orphans);
            copy.runs.addAll(runs);
            copy.leaseHolder = leaseHolder;
            copy.leaseUntil = leaseUntil;
            return copy;
        }
    }

    /** Collections of immutable values, so that a shallow copy is a snapshot. */
    private static final class State {
        final TreeSet<String> repositories;
        final Map<Digest, Long> blobs;
        final Set<Digest> missing;
        final Set<Link> links;
        final LinkedHashMap<ManifestKey, StoredManifest> manifests;
        final Map<TagKey, TagValue> tags;
        final Map<UploadId, UploadSession> uploads;
        final Map<String, Instant> lastPush;
        final Map<ActivityKey, Long> activity;
        Gc gc = new Gc();
        final Map<String, Quota> quotas;
        final Map<TagKey, Instant> pulls;
        final TreeMap<Long, RetentionPolicy> policies;
        final List<Instant> retentionRuns;

        State() {
            this(new TreeSet<>(), new HashMap<>(), new HashSet<>(), new HashSet<>(), new LinkedHashMap<>(), new HashMap<>(),
                    new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new TreeMap<>(),
                    new ArrayList<>());
        }

        private State(TreeSet<String> repositories, Map<Digest, Long> blobs, Set<Digest> missing, Set<Link> links,
                      LinkedHashMap<ManifestKey, StoredManifest> manifests, Map<TagKey, TagValue> tags,
                      Map<UploadId, UploadSession> uploads, Map<String, Instant> lastPush,
                      Map<ActivityKey, Long> activity, Map<String, Quota> quotas, Map<TagKey, Instant> pulls,
                      TreeMap<Long, RetentionPolicy> policies, List<Instant> retentionRuns) {
            this.repositories = repositories;
            this.blobs = blobs;
            this.missing = missing;
            this.links = links;
            this.manifests = manifests;
            this.tags = tags;
            this.uploads = uploads;
            this.lastPush = lastPush;
            this.activity = activity;
            this.quotas = quotas;
            this.pulls = pulls;
            this.policies = policies;
            this.retentionRuns = retentionRuns;
        }

        State copy() {
            State copy = new State(new TreeSet<>(repositories), new HashMap<>(blobs), new HashSet<>(missing), new HashSet<>(links),
                    new LinkedHashMap<>(manifests), new HashMap<>(tags), new HashMap<>(uploads),
                    new HashMap<>(lastPush), new HashMap<>(activity), new HashMap<>(quotas), new HashMap<>(pulls),
                    new TreeMap<>(policies), new ArrayList<>(retentionRuns));
            copy.gc = gc.copy();
            return copy;
        }
    }
}
