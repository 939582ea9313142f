package dev.berth.deploy.system;

import java.nio.file.Path;
import java.util.List;

/** Finds processes by the executable they run, e.g. postgres binaries extracted under a data directory. */
final class Processes {

    private Processes() {
    }

    static List<ProcessHandle> runningFrom(Path directory) {
        String prefix = directory.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.startsWith(prefix)).orElse(false))
                .toList();
    }
}
