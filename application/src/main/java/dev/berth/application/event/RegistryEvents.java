package dev.berth.application.event;

import dev.berth.application.port.EventOutbox;
import dev.berth.application.port.Transactions;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.manifest.Descriptor;
import dev.berth.domain.manifest.MediaType;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import java.util.UUID;

/**
 * Turns what a use case did into events in the outbox. Changes are recorded inside the use case's
 * metadata transaction (the caller's); pulls change no metadata, so each pull is recorded in a
 * small transaction of its own after the content was found.
 */
@Dependent
public class RegistryEvents {

    /** What Distribution reports for a blob: the registry does not know a blob's own media type. */
    static final String BLOB_MEDIA_TYPE = "application/octet-stream";

    private final EventOutbox outbox;
    private final Transactions transactions;
    private final EventSource source;
    private final Clock clock;
    private final ActivityCounter activity;

    @Inject
    public RegistryEvents(EventOutbox outbox, Transactions transactions, EventSource source, Clock clock,
                          ActivityCounter activity) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.source = source;
        this.clock = clock;
        this.activity = activity;
    }

    public void manifestPushed(RepositoryName repository, Digest digest, MediaType mediaType, long size, Tag tag,
                               List<Descriptor> references) {
        // counted as the push's transaction records it: only a failing commit would make this one too many
        activity.count(EventAction.PUSH);
        manifestStored(repository, digest, mediaType, size, tag, references);
    }

    /**
     * A manifest a pull-through cache fetched from its upstream and stored. Reported as a push, as the
     * content arriving in the registry (Distribution reports none; a scanner that scans on push then
     * sees mirrored images too); its request is the pull that caused the fetch ({@code GET}). Not
     * counted among the day's pushes.
     */
    public void manifestFetched(RepositoryName repository, Digest digest, MediaType mediaType, long size, Tag tag,
                                List<Descriptor> references) {
        manifestStored(repository, digest, mediaType, size, tag, references);
    }

    private void manifestStored(RepositoryName repository, Digest digest, MediaType mediaType, long size, Tag tag,
                                List<Descriptor> references) {
        record(EventAction.PUSH, new EventTarget(mediaType.toString(), size, digest.toString(), repository.value(),
                null, url(repository, "manifests", digest), tag == null ? null : tag.value(), references));
    }

    /**
     * @param references read from the manifest only when some endpoint wants the event: most
     *                   registries have none, and a pull then costs no parsing and no transaction
     */
    public void manifestPulled(RepositoryName repository, Digest digest, MediaType mediaType, long size, Tag tag,
                               Supplier<List<Descriptor>> references) {
        activity.count(EventAction.PULL);
        if (!outbox.wants(EventAction.PULL, mediaType.toString())) {
            return;
        }
        transactions.run(() -> record(EventAction.PULL, new EventTarget(mediaType.toString(), size, digest.toString(),
                repository.value(), null, url(repository, "manifests", digest), tag == null ? null : tag.value(),
                references.get())));
    }

    public void manifestDeleted(RepositoryName repository, Digest digest) {
        record(EventAction.DELETE, new EventTarget(null, -1, digest.toString(), repository.value(), null, null, null,
                null));
    }

    public void tagDeleted(RepositoryName repository, Tag tag) {
        record(EventAction.DELETE, new EventTarget(null, -1, null, repository.value(), null, null, tag.value(), null));
    }

    public void blobPushed(RepositoryName repository, Digest digest, long size) {
        record(EventAction.PUSH, blob(repository, digest, size, null));
    }

    /** A blob a pull-through cache fetched and stored, verified: a push, as {@link #manifestFetched}. */
    public void blobFetched(RepositoryName repository, Digest digest, long size) {
        blobPushed(repository, digest, size);
    }

    public void blobPulled(RepositoryName repository, Digest digest, long size) {
        if (!outbox.wants(EventAction.PULL, BLOB_MEDIA_TYPE)) {
            return;
        }
        transactions.run(() -> record(EventAction.PULL, blob(repository, digest, size, null)));
    }

    public void blobMounted(RepositoryName repository, Digest digest, long size, RepositoryName from) {
        record(EventAction.MOUNT, blob(repository, digest, size, from));
    }

    public void blobDeleted(RepositoryName repository, Digest digest) {
        record(EventAction.DELETE, new EventTarget(null, -1, digest.toString(), repository.value(), null, null, null,
                null));
    }

    private EventTarget blob(RepositoryName repository, Digest digest, long size, RepositoryName from) {
        return new EventTarget(BLOB_MEDIA_TYPE, size, digest.toString(), repository.value(),
                from == null ? null : from.value(), url(repository, "blobs", digest), null, null);
    }

    private void record(EventAction action, EventTarget target) {
        RegistryEvent event = new RegistryEvent(UUID.randomUUID().toString(), clock.instant(), action, target,
                CurrentRequest.get(), source);
        outbox.add(action, target.mediaType(), EventJson.event(event));
    }

    private static String url(RepositoryName repository, String kind, Digest digest) {
        String base = CurrentRequest.get().baseUrl();
        return base.isEmpty() ? null : base + "/v2/" + repository.value() + "/" + kind + "/" + digest;
    }
}
