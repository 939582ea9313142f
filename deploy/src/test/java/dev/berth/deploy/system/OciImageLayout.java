package dev.berth.deploy.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;


import static org.assertj.core.api.Assertions.assertThat;
/**
 * Writes real, loadable images as an OCI image layout on disk (what skopeo, podman and docker's
 * tooling read with {@code oci:DIR:TAG}): gzipped tar layers of deterministic random files, an OCI
 * config and manifest, and for several platforms an index. No registry or network is involved.
 */
final class OciImageLayout {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private final Path root;

    private OciImageLayout(Path root) {
        this.root = root;
    }

    static OciImageLayout create(Path root) throws IOException {
        Files.createDirectories(root.resolve("blobs/sha256"));
        Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return new OciImageLayout(root);
    }

    Path root() {
        return root;
    }

    /**
     * skopeo copies {@code tag} to {@code remote} (a plain-HTTP registry, digests kept) and back into a
     * new layout at {@code into}; every blob of this layout must come back byte for byte.
     *
     * @return the layout pulled back
     */
    OciImageLayout pushAndPullBack(String tag, String remote, Path into, Duration timeout) throws Exception {
        return pushAndPullBack(tag, remote, into, timeout, List.of());
    }

    /** As {@link #pushAndPullBack(String, String, Path, Duration)}, with these options to both copies (an --authfile). */
    OciImageLayout pushAndPullBack(String tag, String remote, Path into, Duration timeout, List<String> options)
            throws Exception {
        Path scratch = into.getParent();
        Commands.ok(scratch, timeout, skopeoCopy(options, "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + root + ":" + tag, remote));
        OciImageLayout pulled = create(into);
        Commands.ok(scratch, timeout, skopeoCopy(options, "--src-tls-verify=false", remote,
                "oci:" + pulled.root() + ":" + tag));
        try (var blobs = Files.list(root.resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                Path copy = pulled.root().resolve("blobs/sha256").resolve(blob.getFileName());
                assertThat(copy).as("blob " + blob.getFileName()).exists();
                assertThat(Files.readAllBytes(copy)).as("blob " + blob.getFileName()).isEqualTo(Files.readAllBytes(blob));
            }
        }
        return pulled;
    }

    private static String[] skopeoCopy(List<String> options, String... arguments) {
        List<String> command = new ArrayList<>(List.of("skopeo", "copy"));
        command.addAll(options);
        command.addAll(List.of(arguments));
        return command.toArray(String[]::new);
    }

    /** A descriptor as JSON plus its digest. */
    record Blob(String mediaType, String digest, long size) {
        String json() {
            return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
        }
    }

    /** An image for one platform: {@code layerSizes} bytes of random file content per layer. */
    Blob image(String architecture, long seed, int... layerSizes) throws IOException {
        return image(architecture, seed, false, layerSizes);
    }

    /**
     * {@link #image}, its config with a build history: one step per layer, then a step without one
     * ({@code empty_layer}), as builders write it and as schema 1 needs it.
     */
    Blob imageWithHistory(String architecture, long seed, int... layerSizes) throws IOException {
        return image(architecture, seed, true, layerSizes);
    }

    private Blob image(String architecture, long seed, boolean history, int... layerSizes) throws IOException {
        List<Blob> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (int i = 0; i < layerSizes.length; i++) {
            byte[] tar = tar("layer" + i + "/data-" + seed + ".bin", randomBytes(layerSizes[i], seed * 31 + i));
            diffIds.add(RegistryClient.sha256(tar));
            layers.add(write("application/vnd.oci.image.layer.v1.tar+gzip", gzip(tar)));
        }
        String config = "{\"architecture\":\"" + architecture + "\",\"os\":\"linux\","
                + "\"config\":{\"Cmd\":[\"/layer0/data-" + seed + ".bin\"],\"Labels\":{\"dev.berth.test\":\"" + seed + "\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", diffIds.stream().map(d -> "\"" + d + "\"").toList())
                + "]},\"history\":[" + (history ? history(seed, layerSizes.length) : "") + "]}";
        Blob configBlob = write("application/vnd.oci.image.config.v1+json", config.getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + configBlob.json()
                + ",\"layers\":[" + String.join(",", layers.stream().map(Blob::json).toList()) + "]}";
        return write(OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    }

    private static String history(long seed, int layers) {
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            steps.add("{\"created\":\"2026-01-0" + (i % 9 + 1) + "T10:00:00Z\",\"created_by\":\"/bin/sh -c #(nop) ADD layer"
                    + i + " seed " + seed + "\"}");
        }
        steps.add("{\"created\":\"2026-02-01T10:00:00.5Z\",\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"/layer0\\\"]\","
                + "\"empty_layer\":true}");
        return String.join(",", steps);
    }

    /** A one-layer image whose config has the label {@code note} and whose manifest the annotation {@code description}. */
    Blob annotated(String note, String description) throws IOException {
        byte[] tar = tar("note.txt", note.getBytes(StandardCharsets.UTF_8));
        Blob layer = write("application/vnd.oci.image.layer.v1.tar+gzip", gzip(tar));
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"note\":\"" + note
                + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + RegistryClient.sha256(tar) + "\"]},\"history\":[]}";
        Blob configBlob = write("application/vnd.oci.image.config.v1+json", config.getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + configBlob.json()
                + ",\"layers\":[" + layer.json() + "],\"annotations\":{\"org.opencontainers.image.description\":\""
                + description + "\"}}";
        return write(OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    }

    /** An OCI artifact (empty config, one layer of {@code content}) whose subject is {@code subject}. */
    Blob artifact(String artifactType, Blob subject, String content) throws IOException {
        Blob empty = write("application/vnd.oci.empty.v1+json", "{}".getBytes(StandardCharsets.UTF_8));
        Blob layer = write(artifactType, content.getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"artifactType\":\"" + artifactType
                + "\",\"config\":" + empty.json() + ",\"layers\":[" + layer.json() + "],\"subject\":" + subject.json() + "}";
        return write(OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    }

    /** An index of platform images: {@code platforms[i]} is the architecture of {@code images[i]}. */
    Blob index(List<Blob> images, List<String> platforms) throws IOException {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Blob image = images.get(i);
            entries.add("{\"mediaType\":\"" + image.mediaType() + "\",\"digest\":\"" + image.digest() + "\",\"size\":"
                    + image.size() + ",\"platform\":{\"architecture\":\"" + platforms.get(i) + "\",\"os\":\"linux\"}}");
        }
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[" + String.join(",", entries) + "]}";
        return write(OCI_INDEX, index.getBytes(StandardCharsets.UTF_8));
    }

    /** Names {@code top} in the layout's index.json under {@code tag} (what oci:DIR:TAG resolves). */
    void tag(Blob top, String tag) throws IOException {
        Files.writeString(root.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\""
                + top.mediaType() + "\",\"digest\":\"" + top.digest() + "\",\"size\":" + top.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
    }

    /** The digests of every blob in the layout (layers, configs, manifests), in name order. */
    List<String> digests() throws IOException {
        try (Stream<Path> blobs = Files.list(root.resolve("blobs/sha256"))) {
            return blobs.map(b -> "sha256:" + b.getFileName()).sorted().toList();
        }
    }

    byte[] read(String digest) throws IOException {
        return Files.readAllBytes(root.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())));
    }

    private Blob write(String mediaType, byte[] content) throws IOException {
        String digest = RegistryClient.sha256(content);
        Files.write(root.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())), content);
        return new Blob(mediaType, digest, content.length);
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** A ustar archive with the file's parent directory and the file. */
    static byte[] tar(String path, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String directory = path.substring(0, path.lastIndexOf('/') + 1);
        out.write(header(directory, 0, '5', 0755));
        out.write(header(path, content.length, '0', 0644));
        out.write(content);
        out.write(new byte[(512 - content.length % 512) % 512]);
        out.write(new byte[1024]);
        return out.toByteArray();
    }

    private static byte[] header(String name, long size, char type, int mode) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, String.format("%07o", mode), 8);
        put(h, 108, "0000000", 8);
        put(h, 116, "0000000", 8);
        put(h, 124, String.format("%011o", size), 12);
        put(h, 136, String.format("%011o", 1_700_000_000L), 12);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = (byte) type;
        put(h, 257, "ustar", 6);
        put(h, 263, "00", 2);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum), 7);
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] header, int offset, String value, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }
}
