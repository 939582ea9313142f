package dev.berth.domain.manifest;

import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.json.GoJson;
import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonArray;
import dev.berth.domain.json.JsonBoolean;
import dev.berth.domain.json.JsonNull;
import dev.berth.domain.json.JsonNumber;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import dev.berth.domain.json.JsonSyntaxException;
import dev.berth.domain.json.JsonValue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image manifest and its config as the schema 1 manifest Distribution 2.x serves to clients that
 * accept no schema 2 ({@code manifest/schema1/config_builder.go}, {@code configManifestBuilder.Build}),
 * byte for byte before signing: one fsLayer and one v1 compatibility entry per config history entry,
 * newest first; a history entry without a layer ({@code empty_layer}) gets the gzipped empty tar
 * {@link #EMPTY_LAYER}; the newest entry's v1 compatibility is the config itself, less
 * {@code rootfs} and {@code history}, plus {@code id} and {@code parent}. Layer IDs are the SHA-256
 * of {@code "<blobsum hex> <parent id>"} (the newest: plus {@code " " + config}), as Distribution's.
 * The JSON is written as Go writes it, so the digest (over the unsigned payload) is Distribution's.
 */
public final class SchemaOneConversion {

    /** A gzipped empty tar (1024 NUL bytes), Distribution's {@code gzippedEmptyTar}. */
    private static final byte[] EMPTY_LAYER_BYTES = {31, (byte) 139, 8, 0, 0, 9, 110, (byte) 136, 0, (byte) 255, 98,
            24, 5, (byte) 163, 96, 20, (byte) 140, 88, 0, 8, 0, 0, (byte) 255, (byte) 255, 46, (byte) 175, (byte) 181,
            (byte) 239, 0, 4, 0, 0};
    public static final Digest EMPTY_LAYER = Digest.of(DigestAlgorithm.SHA256, EMPTY_LAYER_BYTES);
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final DateTimeFormatter RFC3339_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private record HistoryEntry(String created, String author, String createdBy, String comment,
                                boolean emptyLayer) {
    }

    private SchemaOneConversion() {
    }

    /** The bytes of the gzipped empty tar that {@link #EMPTY_LAYER} names. */
    public static byte[] emptyLayer() {
        return EMPTY_LAYER_BYTES.clone();
    }

    /**
     * @param tag    the tag the manifest was asked for by, or {@code null}
     * @param image  the image manifest
     * @param config its config blob's bytes
     * @return the unsigned schema 1 manifest ({@link SchemaOneManifest#signedPayload()} is what to sign)
     * @throws ManifestInvalidException when the config cannot be converted (no history, layers and
     *                                  diff_ids disagree), as Distribution answers
     */
    public static SchemaOneManifest convert(RepositoryName repository, String tag, ImageManifest image,
                                            byte[] config) {
        JsonObject root = configObject(config);
        List<HistoryEntry> history = history(root);
        if (history.isEmpty()) {
            throw new ManifestInvalidException("empty history when trying to create schema1 manifest");
        }
        if (!(root.get("rootfs") instanceof JsonObject rootfs)) {
            throw new ManifestInvalidException("the image config has no rootfs");
        }
        int diffIds = rootfs.get("diff_ids") instanceof JsonArray ids ? ids.elements().size() : 0;
        List<Descriptor> layers = image.layers();
        if (diffIds != layers.size()) {
            throw new ManifestInvalidException("number of descriptors and number of layers in rootfs must match: "
                    + diffIds + " != " + layers.size());
        }
        String baseLayer = rootfs.get("base_layer") instanceof JsonString base ? base.value() : "";

        int count = history.size();
        Digest[] fsLayers = new Digest[count];
        String[] compatibility = new String[count];
        String parent = "";
        int layer = 0;
        for (int i = 0; i < count - 1; i++) {
            HistoryEntry entry = history.get(i);
            Digest blobSum = entry.emptyLayer() ? EMPTY_LAYER : nextLayer(layers, layer++);
            String id = sha256Hex(blobSum.hex() + " " + parent);
            if (i == 0 && !baseLayer.isEmpty()) {
                // Windows base layers: Distribution's parent of the first layer
                parent = HexFormat.of().formatHex(sha384(baseLayer), 0, 32);
            }
            compatibility[count - i - 1] = layerCompatibility(id, parent, entry);
            fsLayers[count - i - 1] = blobSum;
            parent = id;
        }
        HistoryEntry latest = history.getLast();
        Digest blobSum = latest.emptyLayer() ? EMPTY_LAYER : nextLayer(layers, layer);
        String id = sha256Hex(blobSum.hex() + " " + parent + " " + new String(config, StandardCharsets.UTF_8));
        fsLayers[0] = blobSum;
        compatibility[0] = imageCompatibility(root, id, parent, latest.emptyLayer());

        String architecture = root.get("architecture") instanceof JsonString arch ? arch.value() : "";
        String payload = GoJson.indent(manifest(repository.toString(), tag == null ? "" : tag, architecture,
                List.of(fsLayers), List.of(compatibility)), "", "   ");
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return new SchemaOneManifest(MediaType.DOCKER_MANIFEST_V1, repository.toString(), tag == null ? "" : tag,
                architecture, List.of(fsLayers), List.of(compatibility), bytes);
    }

    private static JsonObject configObject(byte[] config) {
        try {
            if (Json.parse(config) instanceof JsonObject object) {
                return object;
            }
        } catch (JsonSyntaxException e) {
            // reported below
        }
        throw new ManifestInvalidException("the image config is no JSON object");
    }

    private static Digest nextLayer(List<Descriptor> layers, int index) {
        if (index >= layers.size()) {
            throw new ManifestInvalidException("too many non-empty layers in History section");
        }
        return layers.get(index).digest();
    }

    private static List<HistoryEntry> history(JsonObject config) {
        JsonValue value = config.get("history");
        if (value == null || value instanceof JsonNull) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw new ManifestInvalidException("the image config's history must be an array");
        }
        List<HistoryEntry> entries = new ArrayList<>();
        for (JsonValue element : array.elements()) {
            if (!(element instanceof JsonObject entry)) {
                throw new ManifestInvalidException("the image config's history must hold objects");
            }
            entries.add(new HistoryEntry(goTime(entry.get("created")), text(entry, "author"),
                    text(entry, "created_by"), text(entry, "comment"),
                    entry.get("empty_layer") instanceof JsonBoolean empty && empty.value()));
        }
        return entries;
    }

    /** The v1 compatibility JSON of a layer below the top, as Distribution's {@code v1Compatibility} struct. */
    private static String layerCompatibility(String id, String parent, HistoryEntry entry) {
        Map<String, JsonValue> v1 = new LinkedHashMap<>();
        v1.put("id", new JsonString(id));
        putIfNotEmpty(v1, "parent", parent);
        putIfNotEmpty(v1, "comment", entry.comment());
        v1.put("created", new JsonString(entry.created()));
        v1.put("container_config", new JsonObject(Map.of("Cmd", new JsonArray(List.of(new JsonString(entry.createdBy()))))));
        putIfNotEmpty(v1, "author", entry.author());
        if (entry.emptyLayer()) {
            v1.put("throwaway", new JsonBoolean(true));
        }
        return GoJson.compact(new JsonObject(v1));
    }

    /** Distribution's {@code MakeV1ConfigFromConfig}: the config less rootfs and history, with id, parent, throwaway. */
    private static String imageCompatibility(JsonObject config, String id, String parent, boolean throwaway) {
        Map<String, JsonValue> v1 = new LinkedHashMap<>(config.members());
        v1.remove("rootfs");
        v1.remove("history");
        v1.put("id", new JsonString(id));
        if (!parent.isEmpty()) {
            v1.put("parent", new JsonString(parent));
        }
        if (throwaway) {
            v1.put("throwaway", new JsonBoolean(true));
        }
        // Go marshals the map with sorted keys and each raw value compacted as written
        StringBuilder out = new StringBuilder("{");
        new TreeMap<>(v1).forEach((key, value) -> out.append(out.length() > 1 ? "," : "")
                .append(GoJson.quote(key)).append(':').append(GoJson.compact(value)));
        return out.append('}').toString();
    }

    private static JsonObject manifest(String name, String tag, String architecture, List<Digest> fsLayers,
                                       List<String> history) {
        Map<String, JsonValue> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", new JsonNumber(BigDecimal.ONE));
        manifest.put("name", new JsonString(name));
        manifest.put("tag", new JsonString(tag));
        manifest.put("architecture", new JsonString(architecture));
        manifest.put("fsLayers", new JsonArray(fsLayers.stream()
                .map(d -> (JsonValue) new JsonObject(Map.of("blobSum", new JsonString(d.toString())))).toList()));
        manifest.put("history", new JsonArray(history.stream()
                .map(h -> (JsonValue) new JsonObject(Map.of("v1Compatibility", new JsonString(h)))).toList()));
        return new JsonObject(manifest);
    }

    private static void putIfNotEmpty(Map<String, JsonValue> object, String key, String value) {
        if (!value.isEmpty()) {
            object.put(key, new JsonString(value));
        }
    }

    private static String text(JsonObject object, String key) {
        JsonValue value = object.get(key);
        if (value == null || value instanceof JsonNull) {
            return "";
        }
        if (!(value instanceof JsonString string)) {
            throw new ManifestInvalidException("the image config's history." + key + " must be a string");
        }
        return string.value();
    }

    /** An RFC 3339 time as Go's {@code time.Time} writes it back (RFC3339Nano); absent: Go's zero time. */
    private static String goTime(JsonValue value) {
        if (value == null || value instanceof JsonNull) {
            return ZERO_TIME;
        }
        if (!(value instanceof JsonString text)) {
            throw new ManifestInvalidException("the image config's history.created must be a time");
        }
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(text.value(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            throw new ManifestInvalidException("the image config's history.created is no RFC 3339 time");
        }
        StringBuilder out = new StringBuilder(RFC3339_SECONDS.format(time));
        if (time.getNano() != 0) {
            out.append('.').append(String.format("%09d", time.getNano()).replaceAll("0+$", ""));
        }
        return out.append(time.getOffset().equals(ZoneOffset.UTC) ? "Z" : time.getOffset().getId()).toString();
    }

    private static String sha256Hex(String text) {
        return Digest.of(DigestAlgorithm.SHA256, text.getBytes(StandardCharsets.UTF_8)).hex();
    }

    private static byte[] sha384(String text) {
        try {
            return MessageDigest.getInstance("SHA-384").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
