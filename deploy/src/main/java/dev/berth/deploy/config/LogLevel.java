package dev.berth.deploy.config;

import java.util.Locale;
import java.util.logging.Level;

/** Distribution's {@code log.level} values and the java.util.logging level each means. */
public enum LogLevel {
    ERROR(Level.SEVERE), WARN(Level.WARNING), INFO(Level.INFO), DEBUG(Level.FINE);

    private final Level julLevel;

    LogLevel(Level julLevel) {
        this.julLevel = julLevel;
    }

    public Level julLevel() {
        return julLevel;
    }

    static LogLevel parse(String text) {
        String name = text.toUpperCase(Locale.ROOT);
        for (LogLevel level : values()) {
            if (level.name().equals(name)) {
                return level;
            }
        }
        return name.equals("WARNING") ? WARN : null;
    }
}
