package dev.berth.deploy.config;

import java.nio.file.Path;
import java.util.List;

/** Reads the chosen driver's {@code storage.<name>.*} options; one case per driver Berth ships. */
final class StorageDrivers {

    static final List<String> NAMES = List.of("filesystem", "inmemory", "swift");

    private StorageDrivers() {
    }

    static BerthConfig.Driver read(String driver, RawConfig raw, Path dataDirectory) {
        raw.markRead("storage." + driver);
        return switch (driver) {
            case "filesystem" -> new BerthConfig.Driver.Filesystem(Path.of(raw.string("storage.filesystem.rootdirectory",
                    dataDirectory.resolve("registry").toString())).toAbsolutePath().normalize());
            case "inmemory" -> new BerthConfig.Driver.InMemory();
            case "swift" -> SwiftConfig.read(raw);
            default -> {
                raw.problem("storage." + driver + ": storage driver not available in this version of Berth (available: "
                        + String.join(", ", NAMES) + ")");
                yield new BerthConfig.Driver.InMemory();
            }
        };
    }
}
