package dev.berth.domain.manifest;

import dev.berth.domain.Digest;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Docker image manifest schema 1 ({@code schemaVersion: 1}), signed or not: the layers as
 * {@code fsLayers} (newest first) with one {@code history} entry of v1 compatibility JSON each.
 *
 * <p>Its digest is not over the bytes pushed but over {@link #signedPayload()}, the manifest with
 * its signatures taken out, as Distribution computes it ({@code manifest/schema1/manifest.go}:
 * {@code digest.FromBytes(sm.Canonical)}), so that the same image signed by different keys has one
 * digest. Unsigned, the payload is the whole document.
 *
 * @param mediaType     signed or unsigned schema 1
 * @param name          the repository the manifest says it is for (not checked against the one pushed to,
 *                      as Distribution does not)
 * @param tag           the tag it says it is for, possibly empty
 * @param architecture  possibly empty
 * @param fsLayers      the layer blobs, newest first, repeated where history repeats them
 * @param history       one v1 compatibility JSON text per layer
 * @param signedPayload the bytes the digest is over
 */
public record SchemaOneManifest(MediaType mediaType, String name, String tag, String architecture,
                                List<Digest> fsLayers, List<String> history, byte[] signedPayload)
        implements ParsedManifest {

    /** What Distribution reports as the media type of a schema 1 layer. */
    public static final MediaType LAYER = new MediaType("application", "vnd.docker.container.image.rootfs.diff+x-gtar");

    public SchemaOneManifest {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(signedPayload, "signedPayload");
        fsLayers = List.copyOf(fsLayers);
        history = List.copyOf(history);
    }

    @Override
    public int schemaVersion() {
        return 1;
    }

    @Override
    public MediaType artifactType() {
        return null;
    }

    @Override
    public Descriptor subject() {
        return null;
    }

    @Override
    public Map<String, String> annotations() {
        return Map.of();
    }

    /** The fsLayers, without a size (schema 1 has none), as Distribution's {@code References()}. */
    @Override
    public List<Descriptor> referencedBlobs() {
        return fsLayers.stream().map(layer -> Descriptor.of(LAYER, layer, 0)).toList();
    }

    @Override
    public List<Descriptor> requiredBlobs() {
        return referencedBlobs();
    }

    @Override
    public List<Descriptor> foreignLayers() {
        return List.of();
    }

    @Override
    public List<Descriptor> referencedManifests() {
        return List.of();
    }
}
