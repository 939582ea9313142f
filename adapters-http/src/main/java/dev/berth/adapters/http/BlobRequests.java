package dev.berth.adapters.http;

import dev.berth.application.port.FileRegion;
import dev.berth.application.registry.DeleteBlob;
import dev.berth.application.registry.GetBlob;
import dev.berth.application.registry.LinkedBlob;
import dev.berth.application.registry.PullThroughBlob;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.RangeInvalidException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Optional;

/**
 * {@code HEAD|GET|DELETE /v2/<name>/blobs/<digest>}: blobs are streamed, never held in memory, or a
 * GET is redirected (307) to the storage driver's direct URL when redirects are on and it has one.
 * In a proxied namespace a blob not cached yet is fetched from the upstream registry first.
 */
@Dependent
class BlobRequests {

    private static final int COPY_BUFFER = 256 * 1024;

    private final GetBlob getBlob;
    private final DeleteBlob deleteBlob;
    private final PullThroughBlob pullThrough;

    @Inject
    BlobRequests(GetBlob getBlob, DeleteBlob deleteBlob, PullThroughBlob pullThrough) {
        this.getBlob = getBlob;
        this.deleteBlob = deleteBlob;
        this.pullThrough = pullThrough;
    }

    void get(RepositoryName repository, Digest digest, HttpServletRequest request, HttpServletResponse response,
             boolean head) throws IOException {
        LinkedBlob blob;
        if (!pullThrough.proxies(repository)) {
            blob = getBlob.find(repository, digest);
        } else if (head) {
            blob = pullThrough.find(repository, digest);
        } else if (request.getHeader("Range") != null) {
            // a range of a blob not cached yet: cached whole first, then served as any other
            blob = pullThrough.fetch(repository, digest);
        } else {
            Optional<LinkedBlob> cached = pullThrough.fetch(repository, digest, size -> {
                contentHeaders(response, digest);
                response.setStatus(200);
                if (size >= 0) {
                    response.setContentLengthLong(size);
                }
                return response.getOutputStream();
            });
            if (cached.isEmpty()) {
                return;
            }
            blob = cached.get();
        }
        Optional<URI> direct = head ? Optional.empty() : getBlob.directUrl(blob);
        if (direct.isPresent()) {
            // the client fetches the bytes (and any Range) from storage; HEAD keeps answering here
            response.setStatus(307);
            response.setHeader("Location", direct.get().toString());
            response.setHeader("Docker-Content-Digest", digest.toString());
            response.setContentLength(0);
            return;
        }
        long size = blob.size();
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(request.getHeader("Range"), size);
        } catch (ByteRange.Unsatisfiable e) {
            response.setHeader("Content-Range", "bytes */" + size);
            throw new RangeInvalidException("range not satisfiable for a blob of " + size + " bytes");
        }
        long offset = range.map(ByteRange::first).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        // opened before any success header is set: an error must not go out as cacheable content
        InputStream content = head || length == 0 ? InputStream.nullInputStream()
                : getBlob.open(blob, offset, length);
        contentHeaders(response, digest);
        if (range.isPresent()) {
            response.setStatus(206);
            response.setHeader("Content-Range", "bytes " + range.get().first() + "-" + range.get().last() + "/" + size);
        } else {
            response.setStatus(200);
        }
        response.setContentLengthLong(length);
        try (InputStream in = content) {
            if (!head && length > 0 && !sendFile(request, response, in)) {
                copy(in, response.getOutputStream());
            }
        }
    }

    /**
     * Lets the kernel send a local file's bytes (sendfile) on plain HTTP/1.1; TLS, HTTP/2 and content
     * from object stores take the streamed path.
     */
    private static boolean sendFile(HttpServletRequest request, HttpServletResponse response, InputStream in)
            throws IOException {
        return in instanceof FileRegion region && "HTTP/1.1".equals(request.getProtocol())
                && GrizzlySendfile.send(response, region);
    }

    private static void contentHeaders(HttpServletResponse response, Digest digest) {
        response.setHeader("Docker-Content-Digest", digest.toString());
        response.setHeader("ETag", "\"" + digest + "\"");
        response.setHeader("Accept-Ranges", "bytes");
        // content addressed: the bytes behind a digest never change
        response.setHeader("Cache-Control", "max-age=31536000");
        response.setContentType("application/octet-stream");
    }

    void delete(RepositoryName repository, Digest digest, HttpServletResponse response) {
        deleteBlob.delete(repository, digest);
        response.setStatus(202);
        response.setContentLength(0);
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
    }
}
