package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Jib, a real registry client in Java, builds and pushes an image to Berth; every blob reads back intact. */
@ResourceLock(SharedBerth.LOCK)
class JibIT {

    @TempDir
    Path work;

    @Test
    void jibPushesAnImageWhoseManifestAndBlobsReadBack() throws Exception {
        BerthProcess berth = SharedBerth.get();
        RegistryClient registry = new RegistryClient(berth);
        Path app = Files.write(Files.createDirectories(work.resolve("app")).resolve("app.bin"),
                OciImageLayout.randomBytes(1_200_000, 41));
        Path config = Files.writeString(Files.createDirectories(work.resolve("etc")).resolve("app.conf"), "answer=42\n");

        JibContainer container = Jib.fromScratch()
                .addLayer(List.of(app), AbsoluteUnixPath.get("/app"))
                .addLayer(List.of(config), AbsoluteUnixPath.get("/etc/app"))
                .setEntrypoint("/app/app.bin")
                .containerize(Containerizer
                        .to(RegistryImage.named(ImageReference.parse("127.0.0.1:" + berth.port() + "/clients/jib:v1")))
                        .setAllowInsecureRegistries(true)
                        .setBaseImageLayersCache(work.resolve("cache/base"))
                        .setApplicationLayersCache(work.resolve("cache/app"))
                        .setToolName("berth-system-tests"));

        HttpResponse<byte[]> manifest = registry.get("/v2/clients/jib/manifests/v1",
                "Accept", "application/vnd.docker.distribution.manifest.v2+json");
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.sha256(manifest.body())).isEqualTo(container.getDigest().toString());
        Matcher digests = Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"").matcher(RegistryClient.text(manifest));
        int blobs = 0;
        while (digests.find()) {
            HttpResponse<byte[]> blob = registry.get("/v2/clients/jib/blobs/" + digests.group(1));
            assertThat(blob.statusCode()).isEqualTo(200);
            assertThat(RegistryClient.sha256(blob.body())).isEqualTo(digests.group(1));
            blobs++;
        }
        assertThat(blobs).as("config and two layers").isEqualTo(3);
    }
}
