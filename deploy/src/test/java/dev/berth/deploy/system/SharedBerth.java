package dev.berth.deploy.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One packaged Berth for all API tests of a run (Payara boots in tens of seconds): deletes
 * enabled, fresh data directory, loopback. Stopped by SIGTERM when the test JVM exits.
 */
final class SharedBerth {

    private static BerthProcess instance;

    private SharedBerth() {
    }

    static synchronized BerthProcess get() throws IOException, InterruptedException {
        if (instance == null) {
            Path work = Files.createTempDirectory("berth-shared-");
            BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(),
                    Map.of("REGISTRY_STORAGE_DELETE_ENABLED", "true"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    berth.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                deleteQuietly(work);
            }));
            berth.awaitReady();
            instance = berth;
        }
        return instance;
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
