package dev.berth.domain.manifest;

import dev.berth.domain.error.Excerpt;
import dev.berth.domain.error.ManifestInvalidException;

import java.util.Locale;
import java.util.Objects;

/**
 * A media type without parameters, {@code type/subtype}, each part an RFC 6838 restricted name
 * (a letter or digit, then up to 126 of letters, digits and {@code !#$&-^_.+}), stored lowercase
 * because media types compare case-insensitively.
 *
 * <p>Parameters carry nothing a registry acts on, so they are not modelled: {@link #parse} rejects
 * them (manifest fields never have any) and {@link #parseContentType} drops them (a header may).
 */
public record MediaType(String type, String subtype) {

    public static final int MAX_LENGTH = 255;
    private static final int MAX_NAME_LENGTH = 127;

    public static final MediaType DOCKER_MANIFEST_V2 =
            new MediaType("application", "vnd.docker.distribution.manifest.v2+json");
    public static final MediaType DOCKER_MANIFEST_LIST_V2 =
            new MediaType("application", "vnd.docker.distribution.manifest.list.v2+json");
    public static final MediaType DOCKER_CONTAINER_CONFIG_V1 =
            new MediaType("application", "vnd.docker.container.image.v1+json");
    public static final MediaType OCI_MANIFEST_V1 = new MediaType("application", "vnd.oci.image.manifest.v1+json");
    public static final MediaType OCI_INDEX_V1 = new MediaType("application", "vnd.oci.image.index.v1+json");
    public static final MediaType OCI_CONFIG_V1 = new MediaType("application", "vnd.oci.image.config.v1+json");
    /** The type of the two-byte blob {@code {}}, which OCI artifacts use where no config or layer applies. */
    public static final MediaType OCI_EMPTY_V1 = new MediaType("application", "vnd.oci.empty.v1+json");
    /** Docker image manifest schema 1, unsigned. */
    public static final MediaType DOCKER_MANIFEST_V1 =
            new MediaType("application", "vnd.docker.distribution.manifest.v1+json");
    /** Docker image manifest schema 1, signed with libtrust JSON Web Signatures. */
    public static final MediaType DOCKER_MANIFEST_V1_SIGNED =
            new MediaType("application", "vnd.docker.distribution.manifest.v1+prettyjws");

    /** @throws ManifestInvalidException when either part is not an RFC 6838 restricted name */
    public MediaType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subtype, "subtype");
        requireRestrictedName("type", type);
        requireRestrictedName("subtype", subtype);
        type = type.toLowerCase(Locale.ROOT);
        subtype = subtype.toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code type/subtype}, as found in manifest fields.
     *
     * @throws ManifestInvalidException when malformed or when it has parameters
     */
    public static MediaType parse(String mediaType) {
        Objects.requireNonNull(mediaType, "mediaType");
        if (mediaType.length() > MAX_LENGTH) {
            throw invalid(mediaType, "longer than " + MAX_LENGTH + " characters");
        }
        int slash = mediaType.indexOf('/');
        if (slash < 0) {
            throw invalid(mediaType, "expected type/subtype");
        }
        try {
            return new MediaType(mediaType.substring(0, slash), mediaType.substring(slash + 1));
        } catch (ManifestInvalidException e) {
            throw invalid(mediaType, e.detail());
        }
    }

    /**
     * Parses a {@code Content-Type} value: parameters after {@code ;} (such as {@code charset}) are
     * dropped and surrounding blanks ignored.
     *
     * @throws ManifestInvalidException when the {@code type/subtype} part is malformed
     */
    public static MediaType parseContentType(String contentType) {
        Objects.requireNonNull(contentType, "contentType");
        int semicolon = contentType.indexOf(';');
        String essence = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return parse(essence.strip());
    }

    @Override
    public String toString() {
        return type + "/" + subtype;
    }

    private static void requireRestrictedName(String part, String name) {
        if (name.isEmpty()) {
            throw new ManifestInvalidException("media " + part + " must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new ManifestInvalidException("media " + part + " must not exceed " + MAX_NAME_LENGTH + " characters");
        }
        if (!isLetterOrDigit(name.charAt(0))) {
            throw new ManifestInvalidException("media " + part + " must start with a letter or digit");
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isLetterOrDigit(c) && "!#$&-^_.+".indexOf(c) < 0) {
                throw new ManifestInvalidException("invalid character '" + Excerpt.printable(c) + "' in media " + part);
            }
        }
    }

    private static boolean isLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static ManifestInvalidException invalid(String mediaType, String reason) {
        return new ManifestInvalidException("invalid media type " + Excerpt.quote(mediaType) + ": " + reason);
    }
}
