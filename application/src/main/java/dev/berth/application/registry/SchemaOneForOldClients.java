package dev.berth.application.registry;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.UnavailableException;
import dev.berth.domain.error.UnsupportedException;
import dev.berth.domain.manifest.ImageManifest;
import dev.berth.domain.manifest.LibtrustSignatures;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.ParsedManifest;
import dev.berth.domain.manifest.SchemaOneConversion;
import dev.berth.domain.manifest.SchemaOneManifest;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Part of {@link GetManifest}: what a client that accepts no schema 2 or OCI type (Docker 1.6 to
 * 1.9) gets for an image, as from Distribution 2.x ({@code registry/handlers/manifests.go},
 * {@code convertSchema2Manifest}): the image and its config converted to schema 1 and signed with
 * Berth's own key, its digest over the unsigned payload. Distribution converts only Docker schema 2
 * images; Berth converts OCI images too (their config is the same document). A stored schema 1
 * manifest is served as pushed, and signed on the way out when it was pushed unsigned, as
 * Distribution signs every schema 1 manifest it serves.
 */
@Dependent
public class SchemaOneForOldClients {

    private static final Set<MediaType> IMAGE_CONFIG_TYPES = Set.of(MediaType.DOCKER_CONTAINER_CONFIG_V1,
            MediaType.OCI_CONFIG_V1);
    private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

    private final BlobStore blobs;
    private final BlobLinkStore links;
    private final SchemaOneSigningKey key;
    private final Clock clock;
    private final StartBlobUpload startUpload;
    private final CompleteBlobUpload completeUpload;

    @Inject
    public SchemaOneForOldClients(BlobStore blobs, BlobLinkStore links, SchemaOneSigningKey key, Clock clock,
                                  StartBlobUpload startUpload, CompleteBlobUpload completeUpload) {
        this.blobs = blobs;
        this.links = links;
        this.key = key;
        this.clock = clock;
        this.startUpload = startUpload;
        this.completeUpload = completeUpload;
    }

    /**
     * @param image a manifest that is no index
     * @return it as schema 1, or as stored when it is already schema 1 or no image (an artifact)
     * @throws ManifestInvalidException when the image cannot be converted (a config without history),
     *                                  as Distribution answers
     */
    StoredManifest serve(RepositoryName repository, Tag tag, StoredManifest image) {
        ParsedManifest parsed = ManifestParser.parse(image.payload(), image.mediaType());
        return switch (parsed) {
            case SchemaOneManifest schemaOne when schemaOne.mediaType().equals(MediaType.DOCKER_MANIFEST_V1) ->
                    signed(image, schemaOne);
            case ImageManifest manifest when IMAGE_CONFIG_TYPES.contains(manifest.config().mediaType()) ->
                    converted(repository, tag, image, manifest);
            default -> image;
        };
    }

    private StoredManifest converted(RepositoryName repository, Tag tag, StoredManifest stored, ImageManifest image) {
        SchemaOneManifest schemaOne = SchemaOneConversion.convert(repository, tag.value(), image,
                config(repository, image.config().digest()));
        if (schemaOne.fsLayers().contains(SchemaOneConversion.EMPTY_LAYER)) {
            ensureEmptyLayer(repository);
        }
        return signed(stored, schemaOne);
    }

    private StoredManifest signed(StoredManifest stored, SchemaOneManifest schemaOne) {
        byte[] signed = LibtrustSignatures.sign(schemaOne.signedPayload(), key.keyPair(), clock.instant());
        List<Digest> layers = schemaOne.fsLayers().stream().distinct().toList();
        return new StoredManifest(Digest.of(DigestAlgorithm.SHA256, schemaOne.signedPayload()),
                MediaType.DOCKER_MANIFEST_V1_SIGNED, signed, null, null, Map.of(), layers, List.of(),
                stored.pushedAt());
    }

    /** The config, read through the repository; Distribution answers MANIFEST_INVALID when it is unknown. */
    private byte[] config(RepositoryName repository, Digest config) {
        OptionalLong size = links.linkedSize(repository, config);
        if (size.isEmpty() || size.getAsLong() > MAX_CONFIG_BYTES) {
            throw new ManifestInvalidException(size.isEmpty() ? "the image config " + config + " is unknown"
                    : "the image config is larger than " + MAX_CONFIG_BYTES + " bytes");
        }
        try (InputStream in = blobs.read(config, 0, size.getAsLong())) {
            return in.readNBytes(MAX_CONFIG_BYTES);
        } catch (IOException e) {
            throw new UnavailableException("storage could not be read", e);
        }
    }

    /**
     * History entries without a layer become the gzipped empty tar, which the client then pulls: it
     * is stored and linked the way a push would (Distribution puts it into the blob store, too).
     * In read-only mode (or over quota) nothing can be written; a registry that ever served it has it.
     */
    private void ensureEmptyLayer(RepositoryName repository) {
        if (links.linkedSize(repository, SchemaOneConversion.EMPTY_LAYER).isPresent()) {
            return;
        }
        byte[] bytes = SchemaOneConversion.emptyLayer();
        try {
            var session = startUpload.start(repository, "");
            completeUpload.complete(repository, session.id(), "", SchemaOneConversion.EMPTY_LAYER,
                    OptionalLong.empty(), OptionalLong.of(bytes.length), new ByteArrayInputStream(bytes));
        } catch (UnsupportedException | DeniedException notWritable) {
            // read-only, or a full quota: the manifest is still served; its empty layers answer
            // BLOB_UNKNOWN until the blob can be stored
        }
    }
}
