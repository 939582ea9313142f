package dev.berth.domain.manifest;

import dev.berth.domain.error.ManifestInvalidException;

import java.util.List;
import java.util.Objects;

/**
 * The platform an image in an index runs on, e.g. {@code linux/arm64/v8}.
 *
 * @param architecture CPU architecture as Go names it ({@code amd64}, {@code arm64}); required
 * @param os           operating system as Go names it ({@code linux}, {@code windows}); required
 * @param variant      CPU variant ({@code v8}), or {@code null}
 * @param osVersion    operating system version ({@code 10.0.17763.1}), or {@code null}
 * @param osFeatures   required operating system features, possibly empty
 */
public record Platform(String architecture, String os, String variant, String osVersion, List<String> osFeatures) {

    /** @throws ManifestInvalidException when architecture or os is empty */
    public Platform {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(os, "os");
        if (architecture.isEmpty()) {
            throw new ManifestInvalidException("platform architecture must not be empty");
        }
        if (os.isEmpty()) {
            throw new ManifestInvalidException("platform os must not be empty");
        }
        osFeatures = List.copyOf(osFeatures);
    }
}
