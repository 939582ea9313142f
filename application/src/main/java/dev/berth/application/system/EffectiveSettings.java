package dev.berth.application.system;

import java.util.List;
import java.util.Optional;

/**
 * The configuration this process runs with, supplied by the composition root: the file it read (if
 * any) and every key Berth read, with secrets already masked.
 */
public record EffectiveSettings(Optional<String> file, List<Setting> settings) {

    public EffectiveSettings {
        settings = List.copyOf(settings);
    }

    /** One key: its effective text (empty when unset without a simple default) and where it came from. */
    public record Setting(String key, String value, String source) {
    }
}
