package dev.berth.deploy.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The schema version Berth migrates to: the highest V<n>__*.sql in the sources, so new migrations break no test. */
final class LatestMigration {

    private LatestMigration() {
    }

    static String version() {
        try (Stream<Path> files = Files.list(Path.of("..", "adapters-db", "src", "main", "resources", "db", "migration"))) {
            return String.valueOf(files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
