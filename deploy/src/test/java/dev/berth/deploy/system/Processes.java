package dev.berth.deploy.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** The TCP addresses process {@code pid} listens on (host:port, IPv4-mapped IPv6 shown as IPv4), from {@code ss}. */
    static List<String> listeningAddresses(long pid) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-Hltnp").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes());
        ss.waitFor();
        List<String> addresses = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.contains("pid=" + pid + ",")) {
                addresses.add(line.trim().split("\\s+")[3].replace("[::ffff:", "").replace("]", ""));
            }
        }
        return addresses;
    }
}
