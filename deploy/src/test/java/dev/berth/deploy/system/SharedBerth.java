package dev.berth.deploy.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One packaged Berth for all API tests of a run (Payara boots in tens of seconds): open (REGISTRY_AUTH=none,
 * as {@link BerthProcess} runs every test that sets no access of its own), deletes
 * enabled, pages of at most {@link #MAX_PAGE} entries, fresh data directory under target/shared-berth (its log stays there for the build's
 * artifacts), loopback. Stopped by SIGTERM when the test JVM exits.
 */
final class SharedBerth {

    /**
     * Held by each test class that uses the shared Berth: the system tests run two classes at a time
     * (deploy/pom.xml), and those that share one Berth see each other's repositories and logs.
     */
    static final String LOCK = "shared-berth";

    /** The admin's, for the admin UI of this open Berth (the password then needs no change). */
    static final String ADMIN_PASSWORD = "shared-open-admin-1";

    /** Small, so that clients must follow Link headers through several pages. */
    static final int MAX_PAGE = 100;

    /** The one peer whose X-Forwarded-* headers count: a loopback address no other test sends from. */
    static final String TRUSTED_PROXY = "127.0.0.3";

    private static BerthProcess instance;

    private SharedBerth() {
    }

    static synchronized BerthProcess get() throws IOException, InterruptedException {
        if (instance == null) {
            Path work = Path.of("target", "shared-berth").toAbsolutePath();
            WorkDirectories.deleteQuietly(work);
            // the JVM's default JIT: LoadIT measures this instance
            BerthProcess berth = BerthProcess.start(List.of(), work, BerthProcess.freePort(),
                    Map.of("REGISTRY_STORAGE_DELETE_ENABLED", "true", "REGISTRY_CATALOG_MAXENTRIES", String.valueOf(MAX_PAGE),
                            "REGISTRY_HTTP_TRUSTEDPROXIES", TRUSTED_PROXY, "BERTH_ADMIN_PASSWORD", ADMIN_PASSWORD));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    berth.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            berth.awaitReady();
            instance = berth;
        }
        return instance;
    }
}
