package dev.berth.domain.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What Distribution 2.8.2 (Debian's docker-registry) made of an image: {@code schema1/manifest.json}
 * (schema 2) and {@code schema1/config.json} were pushed to it, {@code schema1/schema1.json} is what
 * it answered a GET without Accept, signed with its key ({@code make-golden.py} made them).
 */
final class SchemaOneFixtures {

    /** Distribution's Docker-Content-Digest for {@link #distributionSchemaOne()}. */
    static final String DISTRIBUTION_DIGEST = "sha256:c2f3823d61e264897840bfdf454b2bb0e78cc388dca6fe08a2c196753fcdce9b";

    private SchemaOneFixtures() {
    }

    static byte[] distributionSchemaOne() {
        return resource("schema1.json");
    }

    static byte[] schemaTwoManifest() {
        return resource("manifest.json");
    }

    static byte[] config() {
        return resource("config.json");
    }

    private static byte[] resource(String name) {
        try (InputStream in = SchemaOneFixtures.class.getResourceAsStream("/schema1/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
