package dev.berth.deploy.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Berth's version, written into berth-version.properties by the build. */
final class BerthVersion {

    private BerthVersion() {
    }

    static String get() {
        try (InputStream in = BerthVersion.class.getResourceAsStream("/berth-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
