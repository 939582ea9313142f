package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the shared Berth (open, metrics open): what anonymous clients send must not grow Berth's
 * memory or cost storage operations per request.
 */
@ResourceLock(SharedBerth.LOCK)
class ResourceBoundsIT {

    private static final String STORAGE_WRITES =
            "berth_storage_operation_seconds_count{driver=\"filesystem\",operation=\"write_upload\"}";

    private static BerthProcess berth;
    private static RegistryClient registry;

    @BeforeAll
    static void start() throws Exception {
        berth = SharedBerth.get();
        registry = new RegistryClient(berth);
    }

    @Test
    void madeUpMethodsAddNoMetricSeries() {
        Set<String> before = samples();
        Random random = new Random(23);
        String first = null;
        for (int i = 0; i < 50; i++) {
            StringBuilder method = new StringBuilder();
            for (int c = 0; c < 1024; c++) {
                method.append((char) ('A' + random.nextInt(26)));
            }
            first = first == null ? method.toString() : first;
            int status = RawHttp.status("127.0.0.1", berth.port(), method.toString(),
                    i % 2 == 0 ? "/v2/" : "/v2/bounds/app/manifests/latest");
            assertThat(status).isBetween(400, 599);
        }
        Set<String> added = samples();
        added.removeAll(before);
        // two routes with method "other" and a status or two: each a counter and a histogram's 17 lines
        List<String> counters = added.stream().filter(s -> s.startsWith("berth_http_requests_total{")).toList();
        assertThat(counters).hasSizeLessThanOrEqualTo(4).allMatch(s -> s.contains("method=\"other\""));
        assertThat(added).hasSizeLessThanOrEqualTo(4 * 18).allMatch(s -> s.length() < 200);
        assertThat(RegistryClient.text(registry.get("/metrics"))).doesNotContain(first.substring(0, 64));
    }

    /** Watched in the filesystem (inotify) as well as in the storage metrics: every probe file created counts. */
    @Test
    void healthRequestsDoNotWriteToTheStorage() throws Exception {
        Path uploads = Path.of("target", "shared-berth", "berth-data", "registry", "uploads").toAbsolutePath();
        Files.createDirectories(uploads);
        double before = storageWrites();
        long start = System.nanoTime();
        int created = 0;
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            uploads.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            for (int i = 0; i < 50; i++) {
                assertThat(berth.get("/health/ready").statusCode()).isEqualTo(200);
                HttpResponse<String> debug = berth.get("/debug/health");
                assertThat(debug.statusCode()).isEqualTo(200);
                assertThat(debug.body()).isEqualTo("{}");
            }
            WatchKey key;
            while ((key = watcher.poll(1, TimeUnit.SECONDS)) != null) {
                created += key.pollEvents().size();
                key.reset();
            }
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        // the scheduled probe writes once every 10 s, whatever the number of requests
        assertThat(created).isLessThanOrEqualTo((int) (seconds / 10 + 2));
        assertThat(storageWrites() - before).isLessThanOrEqualTo(seconds / 10 + 2);
    }

    private static double storageWrites() {
        return RegistryClient.text(registry.get("/metrics")).lines().filter(l -> l.startsWith(STORAGE_WRITES + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Every sample's name and labels. */
    private static Set<String> samples() {
        HttpResponse<byte[]> metrics = registry.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        Set<String> samples = new HashSet<>();
        RegistryClient.text(metrics).lines().filter(l -> !l.startsWith("#"))
                .forEach(l -> samples.add(l.substring(0, l.lastIndexOf(' '))));
        return samples;
    }
}
