package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.berth.deploy.system.RegistryClient.header;
import static dev.berth.deploy.system.RegistryClient.sha256;
import static dev.berth.deploy.system.RegistryClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@value #CLIENTS} clients on loopback for {@code berth.load.seconds} (60 s in the test run;
 * {@code -Dberth.load.seconds=600} for the ten-minute run of deploy/docs/reliability.md) against the
 * shared Berth, mixing pushes of new images, pulls (every byte checked against its digest), tag
 * moves, manifest deletes, catalog and tag list reads. Then every tag of every repository it used is
 * walked to its blobs: zero errors other than a pull racing a delete, nothing lost (every image kept
 * aside is there byte for byte), nothing corrupt. Berth's resident memory, heap after a full GC, open
 * files and PostgreSQL connections are sampled throughout, written to
 * {@code target/load-report/samples.csv} and plotted in {@code target/load-report/load.svg}; open
 * files must stay bounded.
 */
@Isolated("it loads the machine, and measures Berth's memory and errors under that load only")
class LoadIT {

    private static final int CLIENTS = 32;
    private static final int REPOSITORIES = 8;
    private static final Duration LENGTH = Duration.ofSeconds(Long.getLong("berth.load.seconds", 60));
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final Pattern DIGEST = Pattern.compile("\"digest\":\"(sha256:[0-9a-f]{64})\"");

    /** Images no client deletes or moves: each must be there, byte for byte, at the end. */
    private final ConcurrentMap<String, byte[]> kept = new ConcurrentHashMap<>();
    /** Images a client may delete (repository/tag → manifest), and the digests deleted. */
    private final ConcurrentMap<String, String> deletable = new ConcurrentHashMap<>();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicInteger images = new AtomicInteger();

    @Test
    void thirtyTwoClientsMixingEveryOperationLoseAndCorruptNothing() throws Exception {
        BerthProcess berth = SharedBerth.get();
        ProcessSampler sampler = new ProcessSampler(berth.pid(),
                Path.of("target", "shared-berth", "berth-data", "postgres").toAbsolutePath());
        long seed = System.nanoTime();
        long end = System.nanoTime() + LENGTH.toNanos();
        sampler.sample(0);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Random random = new Random(seed + c);
            // HTTP/1.1 as docker speaks it; the JDK's h2c upgrade met protocol errors (reliability.md)
            RegistryClient registry = RegistryClient.http11(berth);
            clients.add(Thread.ofPlatform().name("load-client-" + c).start(() -> {
                while (System.nanoTime() < end && unexpected.size() < 20) {
                    try {
                        oneOperation(registry, random);
                    } catch (RuntimeException | AssertionError e) {
                        unexpected.add(e.toString());
                    }
                }
            }));
        }
        long started = System.nanoTime();
        for (long next = SAMPLE_EVERY.toNanos(); System.nanoTime() < end; next += SAMPLE_EVERY.toNanos()) {
            Thread.sleep(Math.max(0, (started + next - System.nanoTime()) / 1_000_000));
            sampler.sample((System.nanoTime() - started) / 1e9);
        }
        for (Thread client : clients) {
            client.join(Duration.ofMinutes(2));
        }
        sampler.sample((System.nanoTime() - started) / 1e9);
        Path report = sampler.write(Path.of("target", "load-report").toAbsolutePath(), outcomes);
        System.out.println("LoadIT: " + LENGTH.toSeconds() + " s, " + images.get() + " images pushed, outcomes "
                + new TreeMap<>(outcomes) + ", samples in " + report);

        assertThat(unexpected).as("seed %d, outcomes %s", seed, outcomes).isEmpty();
        RegistryClient registry = new RegistryClient(berth);
        walkEveryTag(registry);
        kept.forEach((reference, manifest) -> {
            HttpResponse<byte[]> got = registry.get("/v2/" + reference.replace(":", "/manifests/"), "Accept", OCI_MANIFEST);
            assertThat(got.statusCode()).as(reference).isEqualTo(200);
            assertThat(got.body()).as(reference).isEqualTo(manifest);
        });
        for (String digest : deleted) {
            String repository = digest.substring(0, digest.indexOf('@'));
            assertThat(registry.get("/v2/" + repository + "/manifests/" + digest.substring(digest.indexOf('@') + 1))
                    .statusCode()).as("deleted %s", digest).isEqualTo(404);
        }
        assertThat(sampler.maxOpenFiles()).as("open files stay bounded: %s", sampler.openFiles())
                .isLessThan(Math.max(2 * sampler.openFiles().getFirst(), sampler.openFiles().getFirst() + 200));
        assertThat(sampler.liveHeapMb().getLast()).as("live heap after a full GC stays bounded: %s", sampler.liveHeapMb())
                .isLessThan(2 * sampler.liveHeapMb().getFirst());
    }

    private void oneOperation(RegistryClient registry, Random random) {
        String repository = "load/r" + random.nextInt(REPOSITORIES);
        int dice = random.nextInt(100);
        if (dice < 25) {
            push(registry, random, repository);
        } else if (dice < 65) {
            pull(registry, repository, random.nextBoolean() ? "latest" : anyTag(registry, repository, random));
        } else if (dice < 80) {
            moveLatest(registry, random);
        } else if (dice < 90) {
            deleteOne(registry, random);
        } else {
            // a repository nobody pushed to yet is NAME_UNKNOWN
            count("list", random.nextBoolean() ? expect(registry.get("/v2/_catalog?n=50"), 200)
                    : expect(registry.get("/v2/" + repository + "/tags/list?n=50"), 200, 404));
        }
    }

    private void push(RegistryClient registry, Random random, String repository) {
        int number = images.incrementAndGet();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"n\":\"" + number + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[4096 + random.nextInt(256 * 1024)];
        random.nextBytes(layer);
        registry.pushBlob(repository, config);
        registry.pushBlob(repository, layer);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":"
                + descriptor("application/vnd.oci.image.config.v1+json", config) + ",\"layers\":["
                + descriptor("application/vnd.oci.image.layer.v1.tar", layer) + "]}").getBytes(StandardCharsets.UTF_8);
        String tag = "t" + number;
        count("push", expect(registry.send("PUT", "/v2/" + repository + "/manifests/" + tag, manifest,
                "Content-Type", OCI_MANIFEST), 201));
        if (number % 4 == 0) {
            kept.put(repository + ":" + tag, manifest);
        } else {
            deletable.put(repository + ":" + tag, sha256(manifest));
        }
    }

    /** Every byte checked: the manifest against the digest the registry names, each blob against its digest. */
    private void pull(RegistryClient registry, String repository, String tag) {
        if (tag == null) {
            return;
        }
        HttpResponse<byte[]> manifest = registry.get("/v2/" + repository + "/manifests/" + tag, "Accept", OCI_MANIFEST);
        if (manifest.statusCode() == 404) {
            count("pull 404 (deleted or not pushed yet)", manifest);
            return;
        }
        expect(manifest, 200);
        if (!sha256(manifest.body()).equals(header(manifest, "Docker-Content-Digest"))) {
            unexpected.add("manifest " + repository + ":" + tag + " does not hash to its Docker-Content-Digest");
        }
        Matcher digests = DIGEST.matcher(text(manifest));
        while (digests.find()) {
            HttpResponse<byte[]> blob = expect(registry.get("/v2/" + repository + "/blobs/" + digests.group(1)), 200);
            if (!sha256(blob.body()).equals(digests.group(1))) {
                unexpected.add("blob " + digests.group(1) + " of " + repository + " is corrupt");
            }
        }
        count("pull", manifest);
    }

    private String anyTag(RegistryClient registry, String repository, Random random) {
        HttpResponse<byte[]> list = expect(registry.get("/v2/" + repository + "/tags/list?n=50"), 200, 404);
        List<String> tags = list.statusCode() == 404 ? List.of() : tags(list, repository);
        return tags.isEmpty() ? null : tags.get(random.nextInt(tags.size()));
    }

    private static List<String> tags(HttpResponse<byte[]> tagList, String repository) {
        List<String> tags = new ArrayList<>();
        Matcher names = Pattern.compile("\"([^\"]+)\"").matcher(text(tagList));
        while (names.find()) {
            tags.add(names.group(1));
        }
        tags.removeAll(List.of("name", "tags", repository));
        return tags;
    }

    /** "latest" of a repository moves to one of its images kept aside (never deleted, so the move cannot race a delete). */
    private void moveLatest(RegistryClient registry, Random random) {
        List<String> candidates = new ArrayList<>(kept.keySet());
        if (candidates.isEmpty()) {
            return;
        }
        String reference = candidates.get(random.nextInt(candidates.size()));
        String repository = reference.substring(0, reference.indexOf(':'));
        count("tag move", expect(registry.send("PUT", "/v2/" + repository + "/manifests/latest", kept.get(reference),
                "Content-Type", OCI_MANIFEST), 201));
    }

    private void deleteOne(RegistryClient registry, Random random) {
        List<String> candidates = new ArrayList<>(deletable.keySet());
        if (candidates.isEmpty()) {
            return;
        }
        String reference = candidates.get(random.nextInt(candidates.size()));
        String digest = deletable.remove(reference);
        if (digest == null) {
            return;
        }
        String repository = reference.substring(0, reference.indexOf(':'));
        count("delete", expect(registry.send("DELETE", "/v2/" + repository + "/manifests/" + digest, null), 202));
        deleted.add(repository + "@" + digest);
    }

    /** After the load: every tag of every repository resolves, and its manifest and blobs hash to their digests. */
    private void walkEveryTag(RegistryClient registry) {
        for (int r = 0; r < REPOSITORIES; r++) {
            String repository = "load/r" + r;
            for (String last = ""; last != null; ) {
                HttpResponse<byte[]> page = expect(registry.get("/v2/" + repository + "/tags/list?n=100"
                        + (last.isEmpty() ? "" : "&last=" + last)), 200);
                List<String> tags = tags(page, repository);
                int before = unexpected.size();
                tags.forEach(tag -> pull(registry, repository, tag));
                assertThat(unexpected.subList(before, unexpected.size())).as("walking %s", repository).isEmpty();
                last = header(page, "Link") == null || tags.isEmpty() ? null : tags.getLast();
            }
        }
    }

    private HttpResponse<byte[]> expect(HttpResponse<byte[]> response, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                + response.statusCode() + ": " + text(response));
    }

    private void count(String operation, HttpResponse<byte[]> response) {
        outcomes.computeIfAbsent(operation + " " + response.statusCode(), k -> new AtomicLong()).incrementAndGet();
    }

    private static String descriptor(String mediaType, byte[] blob) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + sha256(blob) + "\",\"size\":" + blob.length + "}";
    }

    /**
     * Berth's JVM as the operating system and the JDK's tools see it: resident memory and open files
     * from /proc, the live heap after a full GC (jcmd, once a minute: a GC per sample would change
     * what is measured), and the PostgreSQL backends serving it.
     */
    static final class ProcessSampler {

        private static final Duration HEAP_EVERY = Duration.ofSeconds(60);
        private final long pid;
        private final Path databaseDirectory;
        private final List<double[]> samples = new ArrayList<>();
        private double lastHeapAt = -1e9;
        private double lastHeapMb = Double.NaN;

        ProcessSampler(long pid, Path databaseDirectory) {
            this.pid = pid;
            this.databaseDirectory = databaseDirectory;
        }

        void sample(double seconds) throws IOException, InterruptedException {
            if (seconds - lastHeapAt >= HEAP_EVERY.toSeconds() - 0.5) {
                lastHeapMb = heapAfterGcMb();
                lastHeapAt = seconds;
            }
            samples.add(new double[]{seconds, rssMb(), lastHeapMb, openFiles(pid), databaseConnections()});
        }

        List<Integer> openFiles() {
            return samples.stream().map(s -> (int) s[3]).toList();
        }

        /** The live heap at each full-GC sample, in order. */
        List<Double> liveHeapMb() {
            return samples.stream().map(s -> s[2]).distinct().toList();
        }

        int maxOpenFiles() {
            return openFiles().stream().mapToInt(Integer::intValue).max().orElse(0);
        }

        private double rssMb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
            return Double.NaN;
        }

        private static int openFiles(long pid) throws IOException {
            try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
                return (int) fds.count();
            }
        }

        /**
         * The bytes of live objects, counted by a class histogram (which runs a full GC first, in the
         * same safepoint). "Used" from GC.heap_info a moment after GC.run is not that: under load the
         * young regions allocated between the two commands grow with the committed heap.
         */
        private double heapAfterGcMb() throws IOException, InterruptedException {
            String jcmd = Path.of(BerthProcess.javaExecutable()).resolveSibling("jcmd").toString();
            Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$")
                    .matcher(run(jcmd, String.valueOf(pid), "GC.class_histogram"));
            return total.find() ? Long.parseLong(total.group(1)) / (1024.0 * 1024.0) : Double.NaN;
        }

        /** Client backends of Berth's embedded PostgreSQL: "postgres: user db 127.0.0.1(port) state". */
        private int databaseConnections() throws IOException {
            Path pidFile;
            try (var files = Files.find(databaseDirectory, 2, (p, a) -> p.getFileName().toString().equals("postmaster.pid"))) {
                pidFile = files.findFirst().orElseThrow(() -> new IOException("no postmaster.pid under " + databaseDirectory));
            }
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
            int count = 0;
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.children().toList()).orElse(List.of())) {
                Path cmdline = Path.of("/proc", String.valueOf(child.pid()), "cmdline");
                if (Files.exists(cmdline) && Files.readString(cmdline).matches("(?s)postgres: .*\\(\\d+\\).*")) {
                    count++;
                }
            }
            return count;
        }

        private static String run(String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return out;
        }

        /** The samples as CSV and an SVG of four small charts over time; returns the directory. */
        Path write(Path directory, Map<String, AtomicLong> outcomes) throws IOException {
            Files.createDirectories(directory);
            StringBuilder csv = new StringBuilder("seconds,rss_mb,live_heap_mb,open_files,db_connections\n");
            samples.forEach(s -> csv.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f,%.1f,%d,%d%n",
                    s[0], s[1], s[2], (int) s[3], (int) s[4])));
            Files.writeString(directory.resolve("samples.csv"), csv);
            String[] titles = {"resident memory (MB)", "live heap after full GC (MB)", "open files", "PostgreSQL connections"};
            StringBuilder svg = new StringBuilder("<svg xmlns='http://www.w3.org/2000/svg' width='840' height='"
                    + (titles.length * 150 + 40) + "' font-family='sans-serif' font-size='12'>\n<text x='10' y='20'>"
                    + "Berth under load: " + CLIENTS + " clients, " + outcomes.values().stream().mapToLong(AtomicLong::get).sum()
                    + " operations</text>\n");
            double maxT = Math.max(1, samples.getLast()[0]);
            for (int chart = 0; chart < titles.length; chart++) {
                int column = chart + 1;
                double max = samples.stream().mapToDouble(s -> s[column]).filter(v -> !Double.isNaN(v)).max().orElse(1);
                int top = 40 + chart * 150;
                svg.append("<text x='10' y='").append(top + 12).append("'>").append(titles[chart])
                        .append(String.format(java.util.Locale.ROOT, ", max %.0f", max)).append("</text>\n")
                        .append("<rect x='60' y='").append(top + 20).append("' width='760' height='100' fill='none' stroke='#ccc'/>\n")
                        .append("<polyline fill='none' stroke='#1f6feb' stroke-width='1.5' points='");
                for (double[] s : samples) {
                    if (!Double.isNaN(s[column])) {
                        svg.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", 60 + 760 * s[0] / maxT,
                                top + 120 - 100 * s[column] / Math.max(max, 1e-9)));
                    }
                }
                svg.append("'/>\n");
            }
            Files.writeString(directory.resolve("load.svg"), svg.append("</svg>\n"));
            return directory;
        }
    }
}
