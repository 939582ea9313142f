package dev.berth.domain.manifest;

import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.Excerpt;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonArray;
import dev.berth.domain.json.JsonNull;
import dev.berth.domain.json.JsonNumber;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import dev.berth.domain.json.JsonSyntaxException;
import dev.berth.domain.json.JsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Reads a pushed manifest into a {@link ParsedManifest}, or says precisely why it is refused.
 *
 * <p>The declared content type decides how the payload is read, and the payload must agree with it:
 * a top-level {@code mediaType} must equal it, and without one the payload must have the declared
 * kind's shape. A document that could be read both as an image manifest and as an index is always
 * refused, since registry and client could then disagree on what it references (CVE-2021-41190).
 *
 * <p>Unknown fields are ignored, as the OCI spec requires; a JSON {@code null} counts as an absent
 * field, as it does for the Go clients that write most manifests. Every failure, including a bad
 * digest or size inside a descriptor, is a {@link ManifestInvalidException} whose detail names the
 * field, e.g. {@code layers[2].digest: ...}.
 */
public final class ManifestParser {

    private enum Kind { IMAGE_MANIFEST, INDEX, SCHEMA_ONE }

    /** Distribution reads a manifest pushed as plain {@code application/json} as signed schema 1. */
    private static final MediaType APPLICATION_JSON = new MediaType("application", "json");

    private ManifestParser() {
    }

    /**
     * @param payload             the exact bytes received
     * @param declaredContentType the content type the client sent with them
     * @throws ManifestInvalidException when the type is unsupported or the payload is malformed,
     *                                  inconsistent or of another kind than declared
     */
    public static ParsedManifest parse(byte[] payload, MediaType declaredContentType) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(declaredContentType, "declaredContentType");
        Kind kind = kindOf(declaredContentType);
        JsonObject root = rootObject(payload);
        if (kind == Kind.SCHEMA_ONE) {
            return schemaOne(payload, root, declaredContentType);
        }
        checkMediaTypeField(root, declaredContentType);
        checkShape(root, kind, declaredContentType);
        int schemaVersion = schemaVersion(root);
        MediaType artifactType = optionalMediaType(root, "artifactType", "");
        Descriptor subject = optionalDescriptor(root, "subject");
        Map<String, String> annotations = annotations(root, "");
        return switch (kind) {
            case IMAGE_MANIFEST -> new ImageManifest(declaredContentType, schemaVersion, artifactType,
                    descriptor(requiredObject(root, "config"), "config"),
                    descriptors(root, "layers"), subject, annotations);
            case INDEX -> new ImageIndex(declaredContentType, schemaVersion, artifactType,
                    descriptors(root, "manifests"), subject, annotations);
            case SCHEMA_ONE -> throw new IllegalStateException("schema 1 is read before the schema 2 checks");
        };
    }

    private static Kind kindOf(MediaType declared) {
        if (declared.equals(MediaType.DOCKER_MANIFEST_V2) || declared.equals(MediaType.OCI_MANIFEST_V1)) {
            return Kind.IMAGE_MANIFEST;
        }
        if (declared.equals(MediaType.DOCKER_MANIFEST_LIST_V2) || declared.equals(MediaType.OCI_INDEX_V1)) {
            return Kind.INDEX;
        }
        if (isSchemaOne(declared)) {
            return Kind.SCHEMA_ONE;
        }
        throw new ManifestInvalidException("unsupported manifest media type " + declared);
    }

    /** Whether a manifest pushed as {@code contentType} is read as schema 1 (signed, unsigned or plain JSON). */
    public static boolean isSchemaOne(MediaType contentType) {
        return contentType.equals(MediaType.DOCKER_MANIFEST_V1) || contentType.equals(MediaType.DOCKER_MANIFEST_V1_SIGNED)
                || contentType.equals(APPLICATION_JSON);
    }

    /**
     * Schema 1: signed unless declared {@code v1+json} without signatures. The fields are read from
     * the signed payload, which must say what the whole body says (bar the signatures), then every
     * signature is verified; the checks and their order are those of Distribution's
     * {@code signedManifestHandler.verifyManifest} (name, history/fsLayers cardinality, signatures).
     */
    private static SchemaOneManifest schemaOne(byte[] payload, JsonObject root, MediaType declared) {
        boolean signed = !declared.equals(MediaType.DOCKER_MANIFEST_V1) || member(root, "signatures") != null;
        LibtrustSignatures.Signed signatures = signed ? LibtrustSignatures.read(payload, root) : null;
        byte[] signedPayload = signed ? signatures.payload() : payload;
        JsonObject manifest = signed ? rootObject(signedPayload) : root;
        if (signed) {
            Map<String, JsonValue> unsigned = new LinkedHashMap<>(root.members());
            unsigned.remove("signatures");
            if (!unsigned.equals(manifest.members())) {
                throw new ManifestInvalidException("the signed payload differs from the manifest around the signatures");
            }
        }
        if (member(manifest, "config") != null || member(manifest, "layers") != null
                || member(manifest, "manifests") != null) {
            throw new ManifestInvalidException("a schema 1 manifest has no config, layers or manifests");
        }
        MediaType inPayload = optionalMediaType(manifest, "mediaType", "");
        if (inPayload != null && !inPayload.equals(MediaType.DOCKER_MANIFEST_V1)
                && !inPayload.equals(MediaType.DOCKER_MANIFEST_V1_SIGNED)) {
            throw new ManifestInvalidException("mediaType " + inPayload + " is no schema 1 media type");
        }
        if (!(member(manifest, "schemaVersion") instanceof JsonNumber version)
                || version.asExactLong().orElse(-1) != 1) {
            throw new ManifestInvalidException("schemaVersion must be 1");
        }
        String name = requiredString(manifest, "name", "");
        RepositoryName.parse(name);
        String tag = Objects.requireNonNullElse(optionalString(manifest, "tag", ""), "");
        String architecture = Objects.requireNonNullElse(optionalString(manifest, "architecture", ""), "");
        List<Digest> fsLayers = new ArrayList<>();
        for (Entry entry : objects(manifest, "fsLayers")) {
            String blobSum = requiredString(entry.object(), "blobSum", entry.path());
            fsLayers.add(converted(path(entry.path(), "blobSum"), () -> Digest.parse(blobSum)));
        }
        List<String> history = objects(manifest, "history").stream()
                .map(entry -> requiredString(entry.object(), "v1Compatibility", entry.path()))
                .toList();
        if (history.size() != fsLayers.size()) {
            throw new ManifestInvalidException("mismatched history and fsLayers cardinality " + history.size()
                    + " != " + fsLayers.size());
        }
        if (signed) {
            signatures.verify();
        }
        return new SchemaOneManifest(signed ? MediaType.DOCKER_MANIFEST_V1_SIGNED : MediaType.DOCKER_MANIFEST_V1,
                name, tag, architecture, fsLayers, history, signedPayload);
    }

    private record Entry(JsonObject object, String path) {
    }

    /** The required array {@code key} of objects, each with its path for error details. */
    private static List<Entry> objects(JsonObject object, String key) {
        JsonValue value = member(object, key);
        if (value == null) {
            throw new ManifestInvalidException(key + " is required");
        }
        if (!(value instanceof JsonArray array)) {
            throw new ManifestInvalidException(key + " must be an array");
        }
        List<Entry> entries = new ArrayList<>(array.elements().size());
        for (int i = 0; i < array.elements().size(); i++) {
            String path = key + "[" + i + "]";
            if (!(array.elements().get(i) instanceof JsonObject element)) {
                throw new ManifestInvalidException(path + " must be an object");
            }
            entries.add(new Entry(element, path));
        }
        return entries;
    }

    /** The manifest's top-level JSON object. @throws ManifestInvalidException when it is no JSON object */
    public static JsonObject rootObject(byte[] payload) {
        JsonValue root;
        try {
            root = Json.parse(payload);
        } catch (JsonSyntaxException e) {
            throw new ManifestInvalidException("invalid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof JsonObject object)) {
            throw new ManifestInvalidException("manifest must be a JSON object");
        }
        return object;
    }

    private static void checkMediaTypeField(JsonObject root, MediaType declared) {
        MediaType inPayload = optionalMediaType(root, "mediaType", "");
        if (inPayload == null) {
            if (declared.equals(MediaType.DOCKER_MANIFEST_V2) || declared.equals(MediaType.DOCKER_MANIFEST_LIST_V2)) {
                throw new ManifestInvalidException("mediaType is required in " + declared + " manifests");
            }
        } else if (!inPayload.equals(declared)) {
            throw new ManifestInvalidException("mediaType " + inPayload + " does not match the declared content type "
                    + declared);
        }
    }

    private static void checkShape(JsonObject root, Kind kind, MediaType declared) {
        boolean looksLikeIndex = member(root, "manifests") != null;
        boolean looksLikeImage = member(root, "config") != null || member(root, "layers") != null;
        if (looksLikeIndex && looksLikeImage) {
            throw new ManifestInvalidException("a manifest cannot have both manifests and config or layers");
        }
        if (kind == Kind.IMAGE_MANIFEST && looksLikeIndex) {
            throw new ManifestInvalidException("declared as " + declared + " but has manifests, like an index");
        }
        if (kind == Kind.INDEX && looksLikeImage) {
            throw new ManifestInvalidException("declared as " + declared
                    + " but has config or layers, like an image manifest");
        }
    }

    private static int schemaVersion(JsonObject root) {
        JsonValue value = member(root, "schemaVersion");
        if (value == null) {
            throw new ManifestInvalidException("schemaVersion is required");
        }
        if (!(value instanceof JsonNumber number) || number.asExactLong().orElse(-1) != 2) {
            throw new ManifestInvalidException("schemaVersion must be 2");
        }
        return 2;
    }

    private static List<Descriptor> descriptors(JsonObject object, String key) {
        return objects(object, key).stream().map(entry -> descriptor(entry.object(), entry.path())).toList();
    }

    private static Descriptor optionalDescriptor(JsonObject root, String key) {
        JsonValue value = member(root, key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject descriptor)) {
            throw new ManifestInvalidException(key + " must be an object");
        }
        return descriptor(descriptor, key);
    }

    private static Descriptor descriptor(JsonObject object, String path) {
        MediaType mediaType = requiredMediaType(object, "mediaType", path);
        String digestText = requiredString(object, "digest", path);
        Digest digest = converted(path(path, "digest"), () -> Digest.parse(digestText));
        long size = size(object, path);
        List<String> urls = optionalStrings(object, "urls", path);
        Map<String, String> annotations = annotations(object, path);
        MediaType artifactType = optionalMediaType(object, "artifactType", path);
        Platform platform = optionalPlatform(object, path);
        return converted(path,
                () -> new Descriptor(mediaType, digest, size, urls, annotations, artifactType, platform));
    }

    private static long size(JsonObject descriptor, String parent) {
        String path = path(parent, "size");
        JsonValue value = member(descriptor, "size");
        if (value == null) {
            throw new ManifestInvalidException(path + " is required");
        }
        OptionalLong size = value instanceof JsonNumber number ? number.asExactLong() : OptionalLong.empty();
        if (size.isEmpty() || size.getAsLong() < 0) {
            throw new ManifestInvalidException(path + " must be a non-negative integer");
        }
        return size.getAsLong();
    }

    private static Platform optionalPlatform(JsonObject descriptor, String parent) {
        JsonValue value = member(descriptor, "platform");
        if (value == null) {
            return null;
        }
        String path = path(parent, "platform");
        if (!(value instanceof JsonObject platform)) {
            throw new ManifestInvalidException(path + " must be an object");
        }
        String architecture = requiredString(platform, "architecture", path);
        String os = requiredString(platform, "os", path);
        String variant = optionalString(platform, "variant", path);
        String osVersion = optionalString(platform, "os.version", path);
        List<String> osFeatures = optionalStrings(platform, "os.features", path);
        return converted(path, () -> new Platform(architecture, os, variant, osVersion, osFeatures));
    }

    private static Map<String, String> annotations(JsonObject object, String parent) {
        JsonValue value = member(object, "annotations");
        if (value == null) {
            return Map.of();
        }
        String path = path(parent, "annotations");
        if (!(value instanceof JsonObject members)) {
            throw new ManifestInvalidException(path + " must be an object");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        members.members().forEach((key, annotation) -> {
            if (!(annotation instanceof JsonString string)) {
                throw new ManifestInvalidException(path + "[" + Excerpt.quote(key) + "] must be a string");
            }
            annotations.put(key, string.value());
        });
        return annotations;
    }

    private static MediaType requiredMediaType(JsonObject object, String key, String parent) {
        String text = requiredString(object, key, parent);
        return converted(path(parent, key), () -> MediaType.parse(text));
    }

    private static MediaType optionalMediaType(JsonObject object, String key, String parent) {
        String text = optionalString(object, key, parent);
        return text == null ? null : converted(path(parent, key), () -> MediaType.parse(text));
    }

    private static JsonObject requiredObject(JsonObject root, String key) {
        JsonValue value = member(root, key);
        if (value == null) {
            throw new ManifestInvalidException(key + " is required");
        }
        if (!(value instanceof JsonObject member)) {
            throw new ManifestInvalidException(key + " must be an object");
        }
        return member;
    }

    private static String requiredString(JsonObject object, String key, String parent) {
        String value = optionalString(object, key, parent);
        if (value == null) {
            throw new ManifestInvalidException(path(parent, key) + " is required");
        }
        return value;
    }

    private static String optionalString(JsonObject object, String key, String parent) {
        JsonValue value = member(object, key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new ManifestInvalidException(path(parent, key) + " must be a string");
        }
        return string.value();
    }

    private static List<String> optionalStrings(JsonObject object, String key, String parent) {
        JsonValue value = member(object, key);
        if (value == null) {
            return List.of();
        }
        String path = path(parent, key);
        if (!(value instanceof JsonArray array)) {
            throw new ManifestInvalidException(path + " must be an array");
        }
        List<String> strings = new ArrayList<>(array.elements().size());
        for (int i = 0; i < array.elements().size(); i++) {
            if (!(array.elements().get(i) instanceof JsonString string)) {
                throw new ManifestInvalidException(path + "[" + i + "] must be a string");
            }
            strings.add(string.value());
        }
        return strings;
    }

    /** The member's value, with an explicit JSON null treated as absent. */
    private static JsonValue member(JsonObject object, String key) {
        JsonValue value = object.get(key);
        return value instanceof JsonNull ? null : value;
    }

    private static String path(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** Runs a value object's own validation, reporting any failure as an invalid manifest at {@code path}. */
    private static <T> T converted(String path, Supplier<T> conversion) {
        try {
            return conversion.get();
        } catch (RegistryException e) {
            String reason = e.detail() == null ? e.getMessage() : e.detail();
            throw new ManifestInvalidException(path + ": " + reason, e);
        }
    }
}
