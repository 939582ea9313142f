package dev.berth.application.browse;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What an image's config blob says (OCI image config); absent fields are "" or empty. */
public record ImageConfig(String os, String architecture, String variant, Optional<Instant> created,
                          List<String> entrypoint, List<String> cmd, List<String> env, Map<String, String> labels,
                          List<String> exposedPorts, String workingDir, String user, List<HistoryEntry> history) {

    /** Labels keep the config's order. */
    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        exposedPorts = List.copyOf(exposedPorts);
        history = List.copyOf(history);
    }
}
