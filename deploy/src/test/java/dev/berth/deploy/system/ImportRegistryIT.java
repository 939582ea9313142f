package dev.berth.deploy.system;

import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.adapters.storage.s3.S3ProxyServer;
import dev.berth.domain.Digest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static dev.berth.deploy.system.RegistryClient.header;
import static dev.berth.deploy.system.RegistryClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar berth.jar import-registry DIR} on the packaged jar, from a directory Debian's
 * {@code docker-registry} (CNCF Distribution 2.8.2) wrote: a multi-layer image, a multi-arch OCI
 * index, an OCI artifact with a subject, and an image with 1 000 tags, pushed over raw HTTP. The
 * import runs first on part of the tree (a run interrupted half-way), then on all of it, then again
 * (nothing to do); a dry run before changes nothing; a damaged copy of the tree (a blob gone, a broken
 * tag link) is imported with --copy, its problems named, exit status 1. One Berth boot then pulls
 * everything back byte for byte: tag lists, digests, blobs, referrers.
 */
class ImportRegistryIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);
    private static final String ACCEPT_ANY = String.join(",", "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final int MANY_TAGS = 1000;

    /** What was pushed: manifests by digest, blobs by digest, and each repository's tags. */
    private final Map<String, byte[]> pushedManifests = new LinkedHashMap<>();
    private final Map<String, byte[]> pushedBlobs = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> pushedTags = new TreeMap<>();
    private final Map<String, List<String>> repositoryBlobs = new TreeMap<>();
    private final Random random = new Random(17);
    private String indexDigest;
    private String artifactDigest;

    @Test
    void importsARegistry2DirectoryThatBerthThenServesByteForByte() throws Exception {
        Path work = Path.of("target", "import-registry").toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        Path tree = work.resolve("registry2");
        fillWithDistribution(work, tree);

        // --dry-run on a fresh Berth: says what it would import, stores nothing
        Path berthWork = work.resolve("berth");
        String dry = command(berthWork, 0, "import-registry", tree.toString(), "--dry-run");
        assertThat(dry).contains("(dry run: changing nothing)")
                .contains("berth: would import 3 repositories, " + pushedManifests.size() + " manifests, "
                        + (MANY_TAGS + 2) + " tags, " + pushedBlobs.size() + " blobs (");
        assertThat(storedBlobFiles(berthWork)).isEmpty();

        // a run that stopped half-way: only part of the tree was imported (a copy of hard links)
        Path partial = work.resolve("partial");
        Commands.ok(work, COMMAND_TIMEOUT, "cp", "-al", tree.toString(), partial.toString());
        Path partialRepositories = partial.resolve("docker/registry/v2/repositories");
        WorkDirectories.deleteQuietly(partialRepositories.resolve("multi"));
        try (Stream<Path> tags = Files.list(partialRepositories.resolve("many/tags/_manifests/tags"))) {
            for (Path tag : tags.filter(t -> t.getFileName().toString().compareTo("t0500") >= 0).toList()) {
                WorkDirectories.deleteQuietly(tag);
            }
        }
        String first = command(berthWork, 0, "import-registry", partial.toString());
        assertThat(first).contains("berth: many/tags: imported").contains(", 500 tags");

        long start = System.nanoTime();
        String full = command(berthWork, 0, "import-registry", tree.toString());
        System.out.printf("ImportRegistryIT: the rest imported in %d ms (command included)%n",
                (System.nanoTime() - start) / 1_000_000);
        assertThat(full).contains("hard-linking blobs where it can")
                .contains("berth: many/tags: imported 0 blob links, 0 manifests, 500 tags")
                .contains("berth: multi/arch: imported")
                .contains(", 0 copied)").doesNotContain("problem:");
        String again = command(berthWork, 0, "import-registry", tree.toString());
        assertThat(again).contains("berth: nothing to import: everything in " + tree.resolve("docker/registry/v2")
                + " is in Berth already");

        // no bytes written: Berth's blob files are the registry's, hard-linked
        for (String digest : pushedBlobs.keySet()) {
            Path stored = berthWork.resolve("berth-data/registry").resolve(KeyLayout.contentKey(Digest.parse(digest)));
            Path source = tree.resolve("docker/registry/v2/blobs/sha256/" + digest.substring(7, 9) + "/"
                    + digest.substring(7) + "/data");
            assertThat(Files.getAttribute(stored, "unix:ino")).as(digest).isEqualTo(Files.getAttribute(source, "unix:ino"));
        }

        // a damaged tree: a layer's data gone, a tag link broken; --copy; the rest imported, exit 1
        Path damaged = work.resolve("damaged");
        Commands.ok(work, COMMAND_TIMEOUT, "cp", "-al", tree.toString(), damaged.toString());
        String lostLayer = repositoryBlobs.get("library/app").get(1);
        Files.delete(damaged.resolve("docker/registry/v2/blobs/sha256/" + lostLayer.substring(7, 9) + "/"
                + lostLayer.substring(7) + "/data"));
        Path brokenTag = damaged.resolve("docker/registry/v2/repositories/many/tags/_manifests/tags/t0007/current/link");
        Files.delete(brokenTag);
        Files.writeString(brokenTag, "sha256:not-a-digest");
        Path damagedWork = work.resolve("berth-damaged");
        String damagedRun = command(damagedWork, 1, "import-registry", damaged.toString(), "--copy");
        assertThat(damagedRun).contains("berth: problem: blob " + lostLayer + " of library/app: missing from ")
                .contains("berth: problem: tag t0007 of many/tags: broken link (current/link reads 'sha256:not-a-digest')")
                .contains("berth: problem: tag 1.0 of library/app: points at ")
                .contains("berth: multi/arch: imported").contains(": 0 hard-linked, 13 copied)")
                .contains("problems, each named above");

        try (BerthProcess berth = BerthProcess.start(berthWork, BerthProcess.freePort(), Map.of())) {
            berth.awaitStartedLine();
            RegistryClient registry = new RegistryClient(berth);
            pullEverythingBack(registry);
            berth.stop();
        }

        importsTheSameTreeFromAnS3Bucket(work, tree);
    }

    /**
     * The tree as Distribution's s3 driver keeps it (the same keys below its rootdirectory), in a
     * bucket of S3Proxy: imported by naming the registry's config.yml, every blob streamed over S3
     * and verified, then checked by {@code check --verify}; a second run finds nothing to do.
     */
    private void importsTheSameTreeFromAnS3Bucket(Path work, Path tree) throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(work.resolve("s3"), null)) {
            s3.createBucket("registry2");
            Path v2 = tree.resolve("docker/registry/v2");
            try (Stream<Path> files = Files.walk(v2)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String key = "legacy/docker/registry/v2/" + v2.relativize(file).toString().replace('\\', '/');
                    s3.backend().putBlob("registry2", s3.backend().blobBuilder(key).payload(file.toFile()).build());
                }
            }
            Path config = Files.writeString(work.resolve("registry2-s3.yml"), """
                    version: 0.1
                    storage:
                      s3:
                        region: us-east-1
                        regionendpoint: %s
                        forcepathstyle: true
                        bucket: registry2
                        rootdirectory: /legacy
                        accesskey: %s
                        secretkey: %s
                    http:
                      addr: 127.0.0.1:5000
                    """.formatted(s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
            Path s3Work = work.resolve("berth-s3");
            String imported = command(s3Work, 0, "import-registry", config.toString());
            assertThat(imported).contains("importing s3://registry2/legacy/docker/registry/v2 at " + s3.endpoint())
                    .contains("berth: imported 3 repositories, " + pushedManifests.size() + " manifests, "
                            + (MANY_TAGS + 2) + " tags, " + pushedBlobs.size() + " blobs (")
                    .contains(": 0 hard-linked, " + pushedBlobs.size() + " copied)")
                    .doesNotContain("problem:").doesNotContain(S3ProxyServer.SECRET_KEY);
            assertThat(command(s3Work, 0, "import-registry", config.toString())).contains("berth: nothing to import");
            assertThat(command(s3Work, 0, "check", "--verify")).contains("sizes and digests: consistent")
                    .contains("checked " + pushedBlobs.size() + " blobs");
        }
    }

    /** Runs a command of berth.jar against the data directory under {@code berthWork}; returns its output. */
    private static String command(Path berthWork, int expectedStatus, String... args) throws Exception {
        try (BerthProcess command = BerthProcess.start(berthWork, BerthProcess.freePort(), Map.of(), args)) {
            int status = command.awaitExit(COMMAND_TIMEOUT);
            assertThat(status).as(command.output()).isEqualTo(expectedStatus);
            return command.output();
        }
    }

    private static List<Path> storedBlobFiles(Path berthWork) throws IOException {
        Path blobs = berthWork.resolve("berth-data/registry/blobs");
        if (!Files.isDirectory(blobs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /** Starts docker-registry on loopback over {@code tree}, pushes the set, reads its tag lists, stops it. */
    private void fillWithDistribution(Path work, Path tree) throws Exception {
        int port = BerthProcess.freePort();
        Path config = DistributionRegistry.writeConfig(work.resolve("registry2.yml"), tree, port, "");
        Process distribution = DistributionRegistry.start(config, work.resolve("registry2.log"), port);
        try {
            RegistryClient registry = RegistryClient.at("http://127.0.0.1:" + port);
            pushImage(registry, "library/app", 3, DOCKER_MANIFEST, "1.0");
            pushMultiArch(registry);
            String image = pushImage(registry, "many/tags", 1, OCI_MANIFEST, null);
            for (int i = 0; i < MANY_TAGS; i++) {
                String tag = "t%04d".formatted(i);
                registry.putManifest("many/tags", tag, OCI_MANIFEST, pushedManifests.get(image));
                pushedTags.computeIfAbsent("many/tags", r -> new TreeMap<>()).put(tag, image);
            }
            for (var repository : pushedTags.entrySet()) {
                String list = text(registry.get("/v2/" + repository.getKey() + "/tags/list?n=5000"));
                assertThat(tagsIn(list)).as("Distribution's tag list").isEqualTo(repository.getValue().keySet());
            }
        } finally {
            DistributionRegistry.stop(distribution);
        }
    }

    /** An image of a config and {@code layers} layers (one of 2 MiB); tagged when {@code tag} is given. */
    private String pushImage(RegistryClient registry, String repository, int layers, String mediaType, String tag) {
        boolean docker = mediaType.equals(DOCKER_MANIFEST);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"},\"seed\":"
                + random.nextInt() + "}").getBytes(StandardCharsets.UTF_8);
        String configDescriptor = descriptor(docker ? "application/vnd.docker.container.image.v1+json"
                : "application/vnd.oci.image.config.v1+json", blob(registry, repository, config), config.length);
        List<String> layerDescriptors = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            byte[] layer = new byte[i == 0 ? 2 * 1024 * 1024 : 1000 + random.nextInt(5000)];
            random.nextBytes(layer);
            layerDescriptors.add(descriptor(docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                    : "application/vnd.oci.image.layer.v1.tar+gzip", blob(registry, repository, layer), layer.length));
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"config\":" + configDescriptor
                + ",\"layers\":[" + String.join(",", layerDescriptors) + "]}").getBytes(StandardCharsets.UTF_8);
        return manifest(registry, repository, tag, mediaType, manifest);
    }

    /** Two images, an OCI index over them tagged latest, and a signature-like artifact whose subject is the index. */
    private void pushMultiArch(RegistryClient registry) {
        String amd64 = pushImage(registry, "multi/arch", 2, OCI_MANIFEST, null);
        String arm64 = pushImage(registry, "multi/arch", 2, OCI_MANIFEST, null);
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + platform(amd64, "amd64") + "," + platform(arm64, "arm64") + "]}").getBytes(StandardCharsets.UTF_8);
        indexDigest = manifest(registry, "multi/arch", "latest", "application/vnd.oci.image.index.v1+json", index);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] signature = "a detached signature".getBytes(StandardCharsets.UTF_8);
        byte[] artifact = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
                + "\"artifactType\":\"application/vnd.example.signature.v1\","
                + "\"config\":" + descriptor("application/vnd.oci.empty.v1+json", blob(registry, "multi/arch", empty), 2)
                + ",\"layers\":[" + descriptor("application/vnd.example.signature.v1",
                blob(registry, "multi/arch", signature), signature.length) + "],"
                + "\"subject\":" + descriptor("application/vnd.oci.image.index.v1+json", indexDigest, index.length) + "}")
                .getBytes(StandardCharsets.UTF_8);
        artifactDigest = manifest(registry, "multi/arch", null, OCI_MANIFEST, artifact);
        // an untagged tree of Distribution: tag-less repositories still count for the repository list
        pushedTags.computeIfAbsent("multi/arch", r -> new TreeMap<>());
    }

    private String platform(String digest, String architecture) {
        return "{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + digest + "\",\"size\":"
                + pushedManifests.get(digest).length + ",\"platform\":{\"architecture\":\"" + architecture
                + "\",\"os\":\"linux\"}}";
    }

    private String blob(RegistryClient registry, String repository, byte[] content) {
        String digest = registry.uploadBlob(repository, content);
        pushedBlobs.put(digest, content);
        List<String> blobs = repositoryBlobs.computeIfAbsent(repository, r -> new ArrayList<>());
        if (!blobs.contains(digest)) {
            blobs.add(digest);
        }
        return digest;
    }

    private String manifest(RegistryClient registry, String repository, String tag, String mediaType, byte[] manifest) {
        String digest = registry.putManifest(repository, tag == null ? RegistryClient.sha256(manifest) : tag,
                mediaType, manifest);
        pushedManifests.put(digest, manifest);
        Map<String, String> tags = pushedTags.computeIfAbsent(repository, r -> new TreeMap<>());
        if (tag != null) {
            tags.put(tag, digest);
        }
        return digest;
    }

    private static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    /** The names of a tags/list answer. */
    private static TreeSet<String> tagsIn(String list) {
        TreeSet<String> tags = new TreeSet<>();
        int open = list.indexOf("\"tags\":");
        if (open < 0 || list.startsWith("null", open + 7)) {
            return tags;
        }
        String array = list.substring(list.indexOf('[', open) + 1, list.indexOf(']', open));
        for (String quoted : array.split(",")) {
            if (!quoted.isBlank()) {
                tags.add(quoted.strip().replace("\"", ""));
            }
        }
        return tags;
    }

    private void pullEverythingBack(RegistryClient registry) {
        for (var repository : pushedTags.entrySet()) {
            String name = repository.getKey();
            assertThat(tagsIn(text(registry.get("/v2/" + name + "/tags/list?n=5000")))).as(name + " tags")
                    .isEqualTo(repository.getValue().keySet());
            for (var tag : repository.getValue().entrySet()) {
                HttpResponse<byte[]> manifest = registry.get("/v2/" + name + "/manifests/" + tag.getKey(), "Accept", ACCEPT_ANY);
                assertThat(manifest.statusCode()).as(name + ":" + tag.getKey()).isEqualTo(200);
                assertThat(header(manifest, "Docker-Content-Digest")).isEqualTo(tag.getValue());
                assertThat(manifest.body()).isEqualTo(pushedManifests.get(tag.getValue()));
            }
            for (String blob : repositoryBlobs.get(name)) {
                HttpResponse<byte[]> content = registry.get("/v2/" + name + "/blobs/" + blob);
                assertThat(content.statusCode()).as(name + "@" + blob).isEqualTo(200);
                assertThat(content.body()).isEqualTo(pushedBlobs.get(blob));
            }
        }
        assertThat(registry.get("/v2/multi/arch/manifests/" + artifactDigest, "Accept", ACCEPT_ANY).body())
                .isEqualTo(pushedManifests.get(artifactDigest));
        String referrers = text(registry.get("/v2/multi/arch/referrers/" + indexDigest));
        assertThat(referrers).contains(artifactDigest).contains("application/vnd.example.signature.v1");
        // the index's children, untagged in Distribution, came along by digest
        for (String child : childrenOf(pushedManifests.get(indexDigest))) {
            assertThat(registry.get("/v2/multi/arch/manifests/" + child, "Accept", ACCEPT_ANY).body())
                    .isEqualTo(pushedManifests.get(child));
        }
        assertThat(text(registry.get("/v2/_catalog"))).contains("library/app").contains("many/tags").contains("multi/arch");
    }

    private static List<String> childrenOf(byte[] index) {
        List<String> digests = new ArrayList<>();
        String json = new String(index, StandardCharsets.UTF_8);
        for (int at = json.indexOf("sha256:"); at >= 0; at = json.indexOf("sha256:", at + 1)) {
            digests.add(json.substring(at, at + 71));
        }
        return digests;
    }
}
