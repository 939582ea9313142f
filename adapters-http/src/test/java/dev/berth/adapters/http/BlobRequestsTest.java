package dev.berth.adapters.http;

import dev.berth.application.event.ActivityCounter;
import dev.berth.application.event.EventSource;
import dev.berth.application.event.RegistryEvents;
import dev.berth.application.fake.InMemoryBlobs;
import dev.berth.application.fake.InMemoryMaintenance;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.port.BlobFetchTurns;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.FileRegion;
import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.fake.InMemoryMetadata;
import dev.berth.application.fake.RecordingOutbox;
import dev.berth.application.registry.DeleteBlob;
import dev.berth.application.registry.GetBlob;
import dev.berth.application.registry.PullThroughBlob;
import dev.berth.application.registry.PullThroughCache;
import dev.berth.application.registry.RegistrySettings;
import dev.berth.application.registry.RepositoryGuard;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.BlobUnknownException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Blob GET and HEAD: streamed, or redirected to the driver's direct URL when redirects are on. */
class BlobRequestsTest {

    private static final RepositoryName REPO = RepositoryName.parse("team/app");
    private static final byte[] CONTENT = "layer bytes".getBytes(StandardCharsets.UTF_8);
    private static final Digest DIGEST = Digest.of(DigestAlgorithm.SHA256, CONTENT);

    private final InMemoryMetadata metadata = new InMemoryMetadata();
    private final InMemoryBlobs blobs = new InMemoryBlobs();

    BlobRequestsTest() throws IOException {
        UploadId upload = UploadId.random();
        blobs.writeUpload(upload, 0, new ByteArrayInputStream(CONTENT));
        blobs.commitUpload(upload, DIGEST);
        metadata.ensure(REPO);
        metadata.recordBlob(DIGEST, CONTENT.length);
        metadata.link(REPO, DIGEST);
    }

    private BlobRequests requests(boolean redirects) {
        return requests(redirects, blobs);
    }

    private BlobRequests requests(boolean redirects, BlobStore blobs) {
        RegistrySettings settings = new RegistrySettings(true, 1024, 100, redirects);
        RepositoryGuard guard = new RepositoryGuard(metadata, settings);
        RegistryEvents events = new RegistryEvents(new RecordingOutbox(), metadata,
                new EventSource("node-1:5000", "instance-1"), Clock.systemUTC(),
                new ActivityCounter(metadata, Clock.systemUTC()));
        MaintenanceMode mode = new MaintenanceMode(new InMemoryMaintenance(), MaintenanceSettings.DEFAULTS);
        return new BlobRequests(new GetBlob(metadata, blobs, guard, settings, events),
                new DeleteBlob(metadata, guard, metadata, events, mode),
                new PullThroughBlob(PullThroughCache.none(), metadata, blobs, events, mode, metadata,
                        BlobFetchTurns.singleNode()));
    }

    @Test
    void getRedirectsToTheDirectUrlWithoutABody() throws IOException {
        blobs.serveDirectUrlsAt(URI.create("https://bucket.example/"));
        Response response = new Response();

        requests(true).get(REPO, DIGEST, request(null), response.proxy(), false);

        assertThat(response.status).isEqualTo(307);
        assertThat(response.headers).containsEntry("Location", "https://bucket.example/" + DIGEST)
                .containsEntry("Docker-Content-Digest", DIGEST.toString());
        assertThat(response.body.size()).isZero();
    }

    @Test
    void headIsAnsweredHereEvenWhenGetRedirects() throws IOException {
        blobs.serveDirectUrlsAt(URI.create("https://bucket.example/"));
        Response response = new Response();

        requests(true).get(REPO, DIGEST, request(null), response.proxy(), true);

        assertThat(response.status).isEqualTo(200);
        assertThat(response.contentLength).isEqualTo(CONTENT.length);
        assertThat(response.headers).doesNotContainKey("Location");
    }

    @Test
    void getStreamsWhenRedirectsAreDisabledOrTheDriverHasNoUrls() throws IOException {
        Response noUrls = new Response();
        requests(true).get(REPO, DIGEST, request("bytes=6-10"), noUrls.proxy(), false);
        blobs.serveDirectUrlsAt(URI.create("https://bucket.example/"));
        Response disabled = new Response();
        requests(false).get(REPO, DIGEST, request(null), disabled.proxy(), false);

        assertThat(noUrls.status).isEqualTo(206);
        assertThat(noUrls.body.toString(StandardCharsets.UTF_8)).isEqualTo("bytes");
        assertThat(disabled.status).isEqualTo(200);
        assertThat(disabled.body.toByteArray()).isEqualTo(CONTENT);
    }

    /** Outside Payara (no Grizzly connection to hand the file to) a file-backed blob is streamed, whole. */
    @Test
    void aFileBackedBlobIsStreamedWhereTheContainerCannotSendFiles(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("blob"), CONTENT);
        BlobStore fileBacked = (BlobStore) Proxy.newProxyInstance(BlobRequestsTest.class.getClassLoader(),
                new Class<?>[] {BlobStore.class}, (proxy, method, args) -> method.getName().equals("read")
                        ? new FileBackedStream(FileChannel.open(file))
                        : method.invoke(blobs, args));
        Response response = new Response();

        requests(false, fileBacked).get(REPO, DIGEST, http11Request(), response.proxy(), false);

        assertThat(response.status).isEqualTo(200);
        assertThat(response.contentLength).isEqualTo(CONTENT.length);
        assertThat(response.headers).containsEntry("Docker-Content-Digest", DIGEST.toString());
        assertThat(response.body.toByteArray()).isEqualTo(CONTENT);
    }

    /** As the filesystem driver's streams: readable, and a region of a file (here all of it). */
    private static final class FileBackedStream extends FilterInputStream implements FileRegion {
        private final FileChannel channel;

        FileBackedStream(FileChannel channel) {
            super(Channels.newInputStream(channel));
            this.channel = channel;
        }

        @Override
        public FileChannel channel() {
            return channel;
        }

        @Override
        public long position() {
            try {
                return channel.position();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long remaining() {
            try {
                return channel.size() - channel.position();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static HttpServletRequest http11Request() {
        return (HttpServletRequest) Proxy.newProxyInstance(BlobRequestsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> null;
                    case "getProtocol" -> "HTTP/1.1";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void unlinkedBlobIsUnknownBeforeAnyRedirect() {
        blobs.serveDirectUrlsAt(URI.create("https://bucket.example/"));
        RepositoryName other = RepositoryName.parse("team/other");
        metadata.ensure(other);

        assertThatThrownBy(() -> requests(true).get(other, DIGEST, request(null), new Response().proxy(), false))
                .isInstanceOf(BlobUnknownException.class);
    }

    private static HttpServletRequest request(String range) {
        return (HttpServletRequest) Proxy.newProxyInstance(BlobRequestsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> "Range".equalsIgnoreCase((String) args[0]) ? range : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Records what the handler sets on the response. */
    private static final class Response {
        int status = 200;
        long contentLength = -1;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        HttpServletResponse proxy() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                }

                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    body.write(bytes, offset, length);
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(BlobRequestsTest.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "setStatus" -> status = (int) args[0];
                            case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                            case "setContentLength" -> contentLength = (int) args[0];
                            case "setContentLengthLong" -> contentLength = (long) args[0];
                            case "setContentType" -> headers.put("Content-Type", (String) args[0]);
                            case "getOutputStream" -> {
                                return out;
                            }
                            default -> throw new UnsupportedOperationException(method.getName());
                        }
                        return null;
                    });
        }
    }
}
