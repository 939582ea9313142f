package dev.berth.adapters.storage.layout;

import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.RegistryException;

import java.util.Optional;

/**
 * The one layout every Berth driver uses below its root (directory, key prefix or container path):
 * <pre>
 * blobs/&lt;algorithm&gt;/&lt;first two hex characters&gt;/&lt;hex&gt;   committed content
 * uploads/&lt;upload id&gt;                                 an upload in progress
 * </pre>
 * Keys are built only from validated values, and parsed back strictly, so a listing never mistakes
 * a stray object for content. The two-character fan-out keeps filesystem directories small and
 * spreads object-store key prefixes.
 */
public final class KeyLayout {

    public static final String BLOBS = "blobs";
    public static final String UPLOADS = "uploads";

    private KeyLayout() {
    }

    /** {@code blobs/sha256/e3/e3b0...}, relative to the driver's root. */
    public static String contentKey(Digest digest) {
        String hex = digest.hex();
        return BLOBS + "/" + digest.algorithm().id() + "/" + hex.substring(0, 2) + "/" + hex;
    }

    /** {@code uploads/5f0c2a9e-...}, relative to the driver's root. */
    public static String uploadKey(UploadId upload) {
        return UPLOADS + "/" + upload;
    }

    /** The digest whose content key is {@code key}, or empty for anything a driver did not write there. */
    public static Optional<Digest> parseContentKey(String key) {
        String[] parts = key.split("/", -1);
        if (parts.length != 4 || !parts[0].equals(BLOBS)) {
            return Optional.empty();
        }
        try {
            Digest digest = Digest.parse(parts[1] + ":" + parts[3]);
            return contentKey(digest).equals(key) ? Optional.of(digest) : Optional.empty();
        } catch (RegistryException e) {
            return Optional.empty();
        }
    }

    /** The upload whose key is {@code key}, or empty for anything else. */
    public static Optional<UploadId> parseUploadKey(String key) {
        if (!key.startsWith(UPLOADS + "/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(UploadId.parse(key.substring(UPLOADS.length() + 1)));
        } catch (RegistryException e) {
            return Optional.empty();
        }
    }

    /**
     * A configured root (object-store prefix) in canonical form: no leading or trailing slash,
     * no empty, {@code .} or {@code ..} segments.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String normalizePrefix(String rootDirectory) {
        String trimmed = rootDirectory.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return "";
        }
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("rootdirectory must not contain empty, '.' or '..' segments: '"
                        + rootDirectory + "'");
            }
        }
        return trimmed;
    }

    /** {@code prefix/key}, or {@code key} when the prefix is empty. */
    public static String under(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }
}
