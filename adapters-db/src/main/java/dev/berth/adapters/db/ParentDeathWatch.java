package dev.berth.adapters.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stops the embedded PostgreSQL when Berth's JVM dies without stopping it (SIGKILL, the OOM killer).
 * pg_ctl daemonises the postmaster, so nothing tells it that Berth is gone. A tiny shell process
 * reads a pipe only Berth's JVM holds open: the kernel closes it when the JVM dies, however it
 * dies, and the shell then sends a fast shutdown (SIGINT, SIGQUIT after 10 s) to the postmaster
 * named in {@code postmaster.pid}, read at that moment (so a supervised restart is followed) and
 * only if that process works in this data directory.
 */
final class ParentDeathWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ParentDeathWatch.class.getName());
    private static final Path SHELL = Path.of("/bin/sh");
    private static final String SCRIPT = """
            read -r line
            pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null)
            case "$pid" in ''|*[!0-9]*) exit 0;; esac
            [ "$(readlink "/proc/$pid/cwd")" = "$1" ] || exit 0
            echo "berth: Berth is gone; stopping its embedded PostgreSQL (pid $pid)" >&2
            kill -INT "$pid"
            i=0
            while kill -0 "$pid" 2>/dev/null; do
              i=$((i + 1))
              if [ "$i" -ge 100 ]; then kill -QUIT "$pid"; exit 0; fi
              sleep 0.1
            done
            """;

    private final Process watcher;

    private ParentDeathWatch(Process watcher) {
        this.watcher = watcher;
    }

    /** @return a running watch, or null where there is no POSIX shell (the orphan is then stopped at the next start) */
    static ParentDeathWatch start(Path dataDirectory) {
        if (!Files.isExecutable(SHELL) || !Files.isDirectory(Path.of("/proc/self"))) {
            LOG.warning("No /bin/sh or /proc: the embedded PostgreSQL outlives a killed Berth until the next start");
            return null;
        }
        try {
            Process process = new ProcessBuilder(SHELL.toString(), "-c", SCRIPT, "berth-postgres-watch",
                    dataDirectory.toRealPath().toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return new ParentDeathWatch(process);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot watch for Berth's death: the embedded PostgreSQL outlives a killed Berth", e);
            return null;
        }
    }

    /** Call after PostgreSQL stopped: the watch then finds no postmaster and just ends. */
    @Override
    public void close() {
        try {
            watcher.getOutputStream().close();
        } catch (IOException e) {
            watcher.destroy();
        }
    }
}
