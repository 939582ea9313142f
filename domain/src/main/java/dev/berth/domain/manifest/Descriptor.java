package dev.berth.domain.manifest;

import dev.berth.domain.Digest;
import dev.berth.domain.error.Excerpt;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.SizeInvalidException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A typed, sized reference to content by digest: how manifests point at configs, layers, child
 * manifests and subjects.
 *
 * @param mediaType    the type of the referenced content
 * @param digest       the content's digest
 * @param size         the content's length in bytes
 * @param urls         where a non-distributable layer can be fetched instead; absolute http(s) URLs, usually none
 * @param annotations  arbitrary string metadata, possibly empty
 * @param artifactType the artifact type of a referenced manifest, or {@code null}
 * @param platform     what a child manifest of an index runs on, or {@code null}
 */
public record Descriptor(MediaType mediaType, Digest digest, long size, List<String> urls,
                         Map<String, String> annotations, MediaType artifactType, Platform platform) {

    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);

    /**
     * @throws SizeInvalidException     when size is negative
     * @throws ManifestInvalidException when a URL is not an absolute http(s) URL without fragment, or an
     *                                  {@link MediaType#OCI_EMPTY_V1} descriptor does not describe {@code {}}
     */
    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new SizeInvalidException("descriptor size must not be negative, got " + size);
        }
        urls = List.copyOf(urls);
        urls.forEach(Descriptor::requireHttpUrl);
        annotations = Map.copyOf(annotations);
        if (mediaType.equals(MediaType.OCI_EMPTY_V1) && !describesEmptyJson(digest, size)) {
            throw new ManifestInvalidException(
                    MediaType.OCI_EMPTY_V1 + " descriptor must describe the 2-byte content {}");
        }
    }

    /** A descriptor with no URLs, annotations, artifact type or platform. */
    public static Descriptor of(MediaType mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, List.of(), Map.of(), null, null);
    }

    private static boolean describesEmptyJson(Digest digest, long size) {
        return size == EMPTY_JSON.length && digest.equals(Digest.of(digest.algorithm(), EMPTY_JSON));
    }

    private static void requireHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawFragment() != null) {
                throw new ManifestInvalidException("descriptor url must be an absolute http(s) URL without fragment: "
                        + Excerpt.quote(url));
            }
        } catch (URISyntaxException e) {
            throw new ManifestInvalidException("descriptor url is malformed: " + Excerpt.quote(url));
        }
    }
}
