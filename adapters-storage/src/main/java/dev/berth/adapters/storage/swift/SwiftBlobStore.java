package dev.berth.adapters.storage.swift;

import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The OpenStack Swift storage driver, on Swift's native API with the JDK's HTTP client. Below the
 * configured prefix in one container:
 * <pre>
 * blobs/&lt;algorithm&gt;/&lt;xx&gt;/&lt;hex&gt;       committed content: a static large object (SLO) manifest, or an empty object
 * uploads/&lt;upload id&gt;                   an upload in progress: an empty marker whose metadata holds its size
 * segments/&lt;upload id&gt;/&lt;offset&gt;         the upload's bytes, one object per write of up to chunksize
 * </pre>
 * An upload's state lives only in Swift, so another instance or another Berth node carries on.
 * Each write stores its bytes as new segments named by their 20-digit offset and then records the
 * new size on the marker; a retry at an earlier offset deletes or shortens the segments past it.
 * A commit writes an SLO manifest (nested when there are more segments than the cluster allows in
 * one) straight to the content key, with {@code If-None-Match: *} so concurrent pushes of the same
 * content keep exactly one manifest, and then drops the marker: the segments now belong to the
 * content and are deleted with it ({@code multipart-manifest=delete}).
 *
 * <p>Memory stays bounded whatever the blob size: segments stream through the HTTP client with
 * chunked transfer encoding (its buffers are a few 16 KiB arrays per request), and reads stream.
 * Direct URLs are Swift TempURLs signed with HMAC-SHA256 by the {@code secretkey}.
 */
public final class SwiftBlobStore implements BlobStore {

    static final String SEGMENTS = "segments";
    private static final String UPLOAD_SIZE = "X-Object-Meta-Berth-Upload-Size";
    private static final String UPLOAD_OWNER = "X-Object-Meta-Berth-Upload";
    private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{20}");
    private static final int LISTING_LIMIT = 1000;
    /**
     * How long a request waits for Swift's answer; for a segment upload that streams a client's body,
     * how long it may go without progress (neither a byte taken from the body nor an answer).
     */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** How often a commit re-reads a listing that lags behind the marker (eventual consistency). */
    private static final int LISTING_RETRIES = 10;
    private static final System.Logger LOG = System.getLogger(SwiftBlobStore.class.getName());

    private final SwiftOptions options;
    private final String prefix;
    private final HttpClient http;
    private final SwiftAuth auth;
    private final Clock clock;
    private final Duration timeout;
    private volatile boolean containerReady;
    private volatile boolean tempUrlKeyReady;
    private volatile int maxManifestSegments;

    public SwiftBlobStore(SwiftOptions options) {
        this(options, Clock.systemUTC(), TIMEOUT);
    }

    /** @param timeout {@link #TIMEOUT}, shorter in tests of a store that stops answering */
    SwiftBlobStore(SwiftOptions options, Clock clock, Duration timeout) {
        this.options = options;
        this.prefix = KeyLayout.normalizePrefix(options.prefix());
        this.clock = clock;
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (options.insecureSkipVerify()) {
            builder.sslContext(trustingEveryone());
        }
        this.http = builder.build();
        this.auth = new SwiftAuth(options, http, clock, timeout);
    }

    @Override
    public String driverName() {
        return "swift";
    }

    @Override
    public String location() {
        return "container " + options.container() + (prefix.isEmpty() ? "" : "/" + prefix)
                + " (auth " + options.authUrl() + ")";
    }

    @Override
    public long writeUpload(UploadId upload, long offset, InputStream data) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        ensureContainer();
        OptionalLong marked = markedSize(upload);
        long size = marked.orElse(0);
        if (marked.isEmpty() && offset == 0 && !listSegments(upload).isEmpty()) {
            throw new IllegalStateException("upload " + upload + " was committed");
        }
        if (offset > size) {
            throw beyondEnd(upload, offset, size);
        }
        if (offset < size) {
            truncate(upload, offset);
        }
        PushbackInputStream in = new PushbackInputStream(data, 1);
        long position = offset;
        int next;
        while ((next = in.read()) >= 0) {
            in.unread(next);
            if (marked.isEmpty()) {
                // the marker comes first, so segments never exist without their upload
                putMarker(upload, 0);
                marked = OptionalLong.of(0);
            }
            position += putSegment(upload, position, in);
        }
        if (marked.isPresent() && position != size) {
            putMarker(upload, position);
        }
        return position;
    }

    @Override
    public long uploadSize(UploadId upload) throws IOException {
        return markedSize(upload).orElse(0);
    }

    @Override
    public InputStream readUpload(UploadId upload, long offset) throws IOException {
        long size = uploadSize(upload);
        if (offset > size) {
            throw beyondEnd(upload, offset, size);
        }
        if (offset == size) {
            return InputStream.nullInputStream();
        }
        List<Segment> segments = consistentSegments(upload, size);
        List<Segment> wanted = segments.stream().filter(s -> s.end() > offset).toList();
        Iterator<Segment> pending = wanted.iterator();
        // each segment is fetched only when the previous one is read to its end
        return new SequenceInputStream(new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return pending.hasNext();
            }

            @Override
            public InputStream nextElement() {
                Segment segment = pending.next();
                long from = Math.max(offset, segment.offset()) - segment.offset();
                try {
                    return get(segmentKey(upload, segment.offset()), from, segment.bytes() - from);
                } catch (IOException e) {
                    return failing(e);
                }
            }
        });
    }

    /**
     * Commits of the same content in this JVM, one after the other. Swift checks {@code If-None-Match}
     * on each object server as the PUT arrives, so two PUTs at the same instant may both succeed, the
     * later replacing the earlier; the earlier's owner check may run before the replacement lands and
     * keep its segments, which then belong to nothing. Taking turns, the second commit finds the
     * content and discards its upload. Across nodes the race stays possible (rare: the same content
     * completing on two nodes within milliseconds) and costs the loser's segments.
     */
    private static final ReentrantLock[] COMMIT_TURNS = IntStream.range(0, 64)
            .mapToObj(i -> new ReentrantLock()).toArray(ReentrantLock[]::new);

    @Override
    public void commitUpload(UploadId upload, Digest digest) throws IOException {
        ReentrantLock turn = COMMIT_TURNS[Math.floorMod(digest.hashCode(), COMMIT_TURNS.length)];
        turn.lock();
        try {
            commitInTurn(upload, digest);
        } finally {
            turn.unlock();
        }
    }

    private void commitInTurn(UploadId upload, Digest digest) throws IOException {
        if (size(digest).isPresent()) {
            deleteUpload(upload);
            return;
        }
        ensureContainer();
        OptionalLong marked = markedSize(upload);
        long size = marked.orElse(0);
        if (size == 0) {
            if (!isEmptyContent(digest)) {
                throw new NoSuchFileException("upload " + upload + " has no bytes to commit as " + digest);
            }
            // an upload that never received bytes is the empty blob; the digest proves it
            HttpResponse<String> put = send(url -> objectRequest(url, contentKey(digest), "")
                    .header("If-None-Match", "*")
                    .PUT(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
            expect(put, "storing the empty blob " + digest, 201, 412);
            deleteUpload(upload);
            return;
        }
        String manifest = manifest(upload, consistentSegments(upload, size));
        HttpResponse<String> put = send(url -> objectRequest(url, contentKey(digest), "multipart-manifest=put")
                .header("If-None-Match", "*")
                .header(UPLOAD_OWNER, upload.toString())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)), HttpResponse.BodyHandlers.ofString());
        expect(put, "committing upload " + upload + " as " + digest, 201, 412);
        // 412: a concurrent push committed the same content first, and ours is surplus, or our own
        // manifest is there from an attempt whose answer was lost. After a 201 a push that passed the
        // same check at the same instant may still have replaced our manifest. The owner tells.
        if (!owner(digest).equals(Optional.of(upload.toString()))) {
            deleteUpload(upload);
        } else {
            deleteObject(markerKey(upload));
        }
    }

    @Override
    public void deleteUpload(UploadId upload) throws IOException {
        // without the marker the segments, if any, belong to committed content
        if (markedSize(upload).isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>();
        try (Stream<Map<String, Object>> entries = listing(segmentPrefix(upload), false)) {
            entries.forEach(entry -> names.add((String) entry.get("name")));
        }
        for (String name : names.reversed()) {
            deleteObject(name);
        }
        deleteObject(markerKey(upload));
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        HttpResponse<Void> head = head(contentKey(digest));
        if (head.statusCode() == 404) {
            return OptionalLong.empty();
        }
        expect(head, "reading the size of " + digest, 200, 204);
        return head.headers().firstValueAsLong("Content-Length");
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) throws IOException {
        OptionalLong size = size(digest);
        if (size.isEmpty()) {
            throw new NoSuchFileException(digest + " is not stored in " + location());
        }
        Objects.checkFromIndexSize(offset, length, size.getAsLong());
        return get(contentKey(digest), offset, length);
    }

    @Override
    public void delete(Digest digest) throws IOException {
        HttpResponse<Void> head = head(contentKey(digest));
        if (head.statusCode() == 404) {
            return;
        }
        expect(head, "deleting " + digest, 200, 204);
        if (!isLargeObject(head)) {
            deleteObject(contentKey(digest));
            return;
        }
        // deletes the segments, nested manifests and the manifest in one request
        HttpResponse<String> response = send(url -> objectRequest(url, contentKey(digest), "multipart-manifest=delete")
                .header("Accept", "application/json")
                .DELETE(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return;
        }
        expect(response, "deleting " + digest, 200);
        Map<String, Object> result = Json.object(Json.parse(response.body()), "bulk delete result");
        Object status = result.get("Response Status");
        if (!(status instanceof String text && (text.startsWith("200") || text.startsWith("404")))
                || !Json.array(result.getOrDefault("Errors", List.of()), "Errors").isEmpty()) {
            throw new IOException("Swift did not delete all of " + digest + ": " + status + " "
                    + result.get("Errors"));
        }
    }

    @Override
    public Stream<Digest> listContent() throws IOException {
        return listing(KeyLayout.under(prefix, KeyLayout.BLOBS + "/"), false)
                .map(entry -> KeyLayout.parseContentKey(relative((String) entry.get("name"))))
                .flatMap(Optional::stream);
    }

    @Override
    public Stream<StoredUpload> listUploads() throws IOException {
        return listing(KeyLayout.under(prefix, KeyLayout.UPLOADS + "/"), true)
                .filter(entry -> entry.get("name") instanceof String)
                .flatMap(entry -> KeyLayout.parseUploadKey(relative((String) entry.get("name")))
                        .flatMap(upload -> stored(upload, entry)).stream());
    }

    @Override
    public Optional<URI> directUrl(Digest digest, Duration validity) throws IOException {
        if (options.secretKey().isEmpty() || size(digest).isEmpty()) {
            return Optional.empty();
        }
        ensureTempUrlKey();
        URI storage = auth.session().storageUrl();
        long expires = clock.instant().plus(validity).plusSeconds(60).getEpochSecond();
        String path = storage.getPath() + "/" + options.container() + "/" + contentKey(digest);
        String signature;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(options.secretKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            signature = HexFormat.of().formatHex(mac.doFinal(("GET\n" + expires + "\n" + path)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign a TempURL", e);
        }
        return Optional.of(objectUri(storage, contentKey(digest),
                "temp_url_sig=" + signature + "&temp_url_expires=" + expires));
    }

    // --- uploads -------------------------------------------------------------------------------

    /** The upload's size from its marker, or empty when there is no upload. */
    private OptionalLong markedSize(UploadId upload) throws IOException {
        HttpResponse<Void> head = head(markerKey(upload));
        if (head.statusCode() == 404) {
            return OptionalLong.empty();
        }
        expect(head, "reading upload " + upload, 200, 204);
        return OptionalLong.of(head.headers().firstValueAsLong(UPLOAD_SIZE).orElse(0));
    }

    private void putMarker(UploadId upload, long size) throws IOException {
        HttpResponse<String> put = send(url -> objectRequest(url, markerKey(upload), "")
                .header(UPLOAD_SIZE, Long.toString(size))
                .PUT(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
        expect(put, "recording upload " + upload, 201);
    }

    /** Stores up to chunksize bytes of {@code in} as the segment at {@code offset}; returns how many. */
    private long putSegment(UploadId upload, long offset, InputStream in) throws IOException {
        CountingStream body = new CountingStream(in, options.chunkSize());
        // Expect: 100-continue lets Swift refuse the request (a stale token, a server error) before
        // any byte of the client's body is consumed, so it can be sent again; once a byte went, not
        HttpResponse<String> put = send(url -> objectRequest(url, segmentKey(upload, offset), "")
                .expectContinue(true)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> body)), HttpResponse.BodyHandlers.ofString(),
                () -> body.count == 0, body);
        expect(put, "writing upload " + upload + " at offset " + offset, 201);
        return body.count;
    }

    /** Drops the upload's bytes from {@code offset} on, shortening the segment that spans it. */
    private void truncate(UploadId upload, long offset) throws IOException {
        List<Segment> segments = listSegments(upload);
        for (Segment segment : segments.reversed()) {
            if (segment.offset() >= offset) {
                deleteObject(segmentKey(upload, segment.offset()));
            } else if (segment.end() > offset) {
                long keep = offset - segment.offset();
                String key = segmentKey(upload, segment.offset());
                // rewritten from its own first bytes, streamed: Swift keeps serving the old
                // version to this GET while the new one is written
                try (InputStream head = get(key, 0, keep)) {
                    CountingStream body = new CountingStream(head, keep);
                    HttpResponse<String> put = send(url -> objectRequest(url, key, "")
                            .header("Content-Type", "application/octet-stream")
                            .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                    HttpRequest.BodyPublishers.ofInputStream(() -> body), keep)),
                            HttpResponse.BodyHandlers.ofString(), () -> false, body);
                    expect(put, "shortening upload " + upload + " to " + offset + " bytes", 201);
                }
            }
        }
    }

    /**
     * The segments that make up the first {@code size} bytes, in order. Segments past the size (left
     * by a write that failed before its marker update) are ignored; a hole means the listing lags
     * behind the writes, so it is read again before giving up.
     */
    private List<Segment> consistentSegments(UploadId upload, long size) throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<Segment> contiguous = new ArrayList<>();
            long expected = 0;
            for (Segment segment : listSegments(upload)) {
                if (segment.offset() == expected && expected < size) {
                    contiguous.add(segment);
                    expected = segment.end();
                }
            }
            if (expected == size) {
                return contiguous;
            }
            if (attempt == LISTING_RETRIES) {
                throw new IOException("Swift lists " + expected + " of the " + size + " bytes of upload " + upload
                        + " in " + location() + " (segments missing or container listing not up to date)");
            }
            pause(Duration.ofMillis(100L * attempt));
        }
    }

    private List<Segment> listSegments(UploadId upload) throws IOException {
        String segmentPrefix = segmentPrefix(upload);
        try (Stream<Map<String, Object>> entries = listing(segmentPrefix, false)) {
            return entries
                    .filter(entry -> entry.get("name") instanceof String name
                            && SEGMENT_NAME.matcher(name.substring(segmentPrefix.length())).matches())
                    .map(entry -> new Segment(Long.parseLong(((String) entry.get("name")).substring(segmentPrefix.length())),
                            ((Number) entry.get("bytes")).longValue()))
                    .toList();
        }
    }

    /**
     * The SLO manifest of the segments. Above the cluster's segment limit, segments are grouped
     * under sub-manifests (stored with the segments), level by level, as Swift allows nesting.
     */
    private String manifest(UploadId upload, List<Segment> segments) throws IOException {
        int limit = maxManifestSegments();
        List<String> paths = new ArrayList<>(segments.size());
        for (Segment segment : segments) {
            paths.add(segmentPath(segmentKey(upload, segment.offset())));
        }
        for (int level = 1; paths.size() > limit; level++) {
            List<String> grouped = new ArrayList<>();
            for (int from = 0; from < paths.size(); from += limit) {
                String key = KeyLayout.under(prefix, SEGMENTS + "/" + upload + "/manifest-" + level + "-"
                        + String.format("%08d", from / limit));
                String body = manifestJson(paths.subList(from, Math.min(paths.size(), from + limit)));
                HttpResponse<String> put = send(url -> objectRequest(url, key, "multipart-manifest=put")
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body)), HttpResponse.BodyHandlers.ofString());
                expect(put, "writing a nested manifest of upload " + upload, 201);
                grouped.add(segmentPath(key));
            }
            paths = grouped;
        }
        return manifestJson(paths);
    }

    private static String manifestJson(List<String> paths) {
        StringBuilder json = new StringBuilder("[");
        for (String path : paths) {
            json.append(json.length() == 1 ? "" : ",").append("{\"path\":").append(Json.quote(path)).append('}');
        }
        return json.append(']').toString();
    }

    /** A segment's path as a manifest names it: {@code /container/key}. */
    private String segmentPath(String fullKey) {
        return "/" + options.container() + "/" + fullKey;
    }

    private int maxManifestSegments() throws IOException {
        if (maxManifestSegments == 0) {
            int limit = 1000;
            URI storage = auth.session().storageUrl();
            String path = storage.getPath();
            int v1 = path.indexOf("/v1/");
            URI info = storage.resolve((v1 < 0 ? "" : path.substring(0, v1)) + "/info");
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(info).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && Json.object(Json.parse(response.body()), "info").get("slo")
                        instanceof Map<?, ?> slo && slo.get("max_manifest_segments") instanceof Number n) {
                    limit = n.intValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (IOException e) {
                // /info may be disabled; 1000 is Swift's default
            }
            maxManifestSegments = Math.max(2, limit);
        }
        return maxManifestSegments;
    }

    /** The manifest's owner: the upload whose segments it names. */
    private Optional<String> owner(Digest digest) throws IOException {
        HttpResponse<Void> head = head(contentKey(digest));
        expect(head, "checking the commit of " + digest, 200, 204);
        return head.headers().firstValue(UPLOAD_OWNER);
    }

    private Optional<StoredUpload> stored(UploadId upload, Map<String, Object> entry) {
        try {
            HttpResponse<Void> head = head(markerKey(upload));
            if (head.statusCode() == 404) {
                // committed or cancelled while the listing ran
                return Optional.empty();
            }
            expect(head, "reading upload " + upload, 200, 204);
            Instant lastModified = head.headers().firstValue("X-Timestamp")
                    .map(t -> Instant.ofEpochMilli((long) (Double.parseDouble(t) * 1000)))
                    .orElseGet(() -> listedTime(entry.get("last_modified")));
            return Optional.of(new StoredUpload(upload, head.headers().firstValueAsLong(UPLOAD_SIZE).orElse(0),
                    lastModified));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant listedTime(Object text) {
        try {
            return text instanceof String s ? LocalDateTime.parse(s).toInstant(ZoneOffset.UTC) : Instant.EPOCH;
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    // --- containers and keys -----------------------------------------------------------------

    /** Creates the container on first use, as Distribution does; a readable error when that is refused. */
    private void ensureContainer() throws IOException {
        if (containerReady) {
            return;
        }
        HttpResponse<String> head = send(url -> HttpRequest.newBuilder(containerUri(url, ""))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
        if (head.statusCode() == 404) {
            HttpResponse<String> put = send(url -> HttpRequest.newBuilder(containerUri(url, ""))
                    .PUT(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() != 201 && put.statusCode() != 202) {
                throw new IOException("Swift container '" + options.container() + "' does not exist and user "
                        + options.username() + " may not create it (" + put.statusCode() + ")");
            }
        } else if (head.statusCode() == 403) {
            // Swift does not tell a user without rights whether the container exists
            throw new IOException("user " + options.username() + " may not use Swift container '"
                    + options.container() + "' (403): it does not exist, or the user has no rights on it");
        } else {
            expect(head, "checking container " + options.container(), 200, 204);
        }
        containerReady = true;
    }

    /** Sets the TempURL key on the account (or container) once, unless it is set already. */
    private void ensureTempUrlKey() throws IOException {
        if (tempUrlKeyReady) {
            return;
        }
        boolean onContainer = options.tempUrlContainerKey();
        String header = onContainer ? "X-Container-Meta-Temp-URL-Key" : "X-Account-Meta-Temp-URL-Key";
        HttpResponse<String> head = send(url -> HttpRequest.newBuilder(onContainer ? containerUri(url, "") : url)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
        if (!head.headers().firstValue(header).equals(Optional.of(options.secretKey()))) {
            HttpResponse<String> post = send(url -> HttpRequest.newBuilder(onContainer ? containerUri(url, "") : url)
                    .header(header, options.secretKey())
                    .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
            if (post.statusCode() / 100 != 2) {
                // a user who is not the account's owner may neither see nor set the key
                LOG.log(System.Logger.Level.WARNING, "could not set the TempURL key on the Swift "
                        + (onContainer ? "container" : "account") + " (" + post.statusCode()
                        + "); direct URLs work only if an operator set it to storage.swift.secretkey");
            }
        }
        tempUrlKeyReady = true;
    }

    private String contentKey(Digest digest) {
        return KeyLayout.under(prefix, KeyLayout.contentKey(digest));
    }

    private String markerKey(UploadId upload) {
        return KeyLayout.under(prefix, KeyLayout.uploadKey(upload));
    }

    private String segmentPrefix(UploadId upload) {
        return KeyLayout.under(prefix, SEGMENTS + "/" + upload + "/");
    }

    private String segmentKey(UploadId upload, long offset) {
        return segmentPrefix(upload) + String.format("%020d", offset);
    }

    private String relative(String fullKey) {
        return prefix.isEmpty() ? fullKey : fullKey.substring(prefix.length() + 1);
    }

    // --- HTTP -----------------------------------------------------------------------------------

    /** A container listing of every object under {@code keyPrefix}, fetched page by page as the stream is read. */
    private Stream<Map<String, Object>> listing(String keyPrefix, boolean oneLevel) throws IOException {
        Iterator<Map<String, Object>> pages = new Iterator<>() {
            private Iterator<Object> page = Collections.emptyIterator();
            private String marker = "";
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !exhausted) {
                    try {
                        List<Object> entries = fetch();
                        exhausted = entries.size() < LISTING_LIMIT;
                        if (!entries.isEmpty()) {
                            Map<String, Object> last = Json.object(entries.getLast(), "listing entry");
                            marker = (String) (last.containsKey("name") ? last.get("name") : last.get("subdir"));
                        }
                        page = entries.iterator();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return page.hasNext();
            }

            @Override
            public Map<String, Object> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    return Json.object(page.next(), "listing entry");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            private List<Object> fetch() throws IOException {
                String query = "format=json&limit=" + LISTING_LIMIT + "&prefix=" + encode(keyPrefix)
                        + (oneLevel ? "&delimiter=%2F" : "") + "&marker=" + encode(marker);
                HttpResponse<String> response = send(url -> HttpRequest.newBuilder(containerUri(url, query))
                        .GET(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 404 || response.statusCode() == 204) {
                    return List.of();
                }
                expect(response, "listing " + keyPrefix, 200);
                return new ArrayList<>(Json.array(Json.parse(response.body()), "listing"));
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED), false)
                .filter(entry -> entry.containsKey("name"));
    }

    /** Streams {@code length} bytes of an object from {@code offset}, failing if the object ends sooner. */
    private InputStream get(String key, long offset, long length) throws IOException {
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        HttpResponse<InputStream> response = send(url -> objectRequest(url, key, "")
                .header("Range", "bytes=" + offset + "-" + (offset + length - 1))
                .GET(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 404) {
            response.body().close();
            throw new NoSuchFileException(key + " is gone from " + location());
        }
        if (response.statusCode() != 206 && response.statusCode() != 200) {
            String body = new String(response.body().readNBytes(200), StandardCharsets.UTF_8);
            response.body().close();
            throw new IOException("Swift answered " + response.statusCode() + " reading " + key + ": " + body.strip());
        }
        return new ExactStream(response.body(), length, key);
    }

    private HttpResponse<Void> head(String key) throws IOException {
        return send(url -> objectRequest(url, key, "").method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding());
    }

    private void deleteObject(String key) throws IOException {
        HttpResponse<String> response = send(url -> objectRequest(url, key, "").DELETE(),
                HttpResponse.BodyHandlers.ofString());
        expect(response, "deleting " + key, 204, 404);
    }

    /** Sends a request without a body, or with one held as bytes: it may be sent again. */
    private <T> HttpResponse<T> send(Request request, HttpResponse.BodyHandler<T> handler) throws IOException {
        return send(request, handler, () -> true, null);
    }

    /**
     * Sends with the current token; once more with a new token when Swift refuses it, and up to
     * {@link SwiftRetries#ATTEMPTS} times in all after server errors, rate limits and I/O errors
     * (timeouts included), as long as {@code replayable} says the body can be sent again. After the
     * last attempt, Swift's answer is returned for the caller to name, or the I/O error thrown.
     *
     * @param streamed null for a request bounded by {@link #timeout}; for one that streams a body of
     *                 unknown duration, the body, which must not go {@link #timeout} without progress
     */
    private <T> HttpResponse<T> send(Request request, HttpResponse.BodyHandler<T> handler, BooleanSupplier replayable,
                                     CountingStream streamed) throws IOException {
        boolean reauthenticated = false;
        for (int attempt = 1; ; attempt++) {
            SwiftAuth.Session session = auth.session();
            HttpRequest.Builder builder = request.build(session.storageUrl()).header("X-Auth-Token", session.token());
            HttpResponse<T> response;
            try {
                response = streamed == null ? http.send(builder.timeout(timeout).build(), handler)
                        : sendWatched(builder.build(), handler, streamed);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while talking to Swift", e);
            } catch (IOException e) {
                if (attempt < SwiftRetries.ATTEMPTS && replayable.getAsBoolean()) {
                    SwiftRetries.backoff(attempt);
                    continue;
                }
                throw new IOException("Swift did not answer (" + attempt + (attempt == 1 ? " attempt" : " attempts")
                        + "): " + e, e);
            }
            int status = response.statusCode();
            boolean again;
            if (status == 401) {
                auth.invalidate(session);
                again = !reauthenticated && replayable.getAsBoolean();
                reauthenticated = true;
            } else {
                again = SwiftRetries.retryable(status) && attempt < SwiftRetries.ATTEMPTS && replayable.getAsBoolean();
                if (again) {
                    SwiftRetries.backoff(attempt);
                }
            }
            if (!again) {
                return response;
            }
            if (response.body() instanceof InputStream body) {
                body.close();
            }
        }
    }

    /**
     * Sends a request whose body streams for as long as its source takes, and gives up once neither a
     * byte was taken from the body nor an answer came for {@link #timeout}: a long upload that moves
     * is never cut off, one that stalls does not hang.
     */
    private <T> HttpResponse<T> sendWatched(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                            CountingStream body) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<T>> answer = http.sendAsync(request, handler);
        long poll = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        try {
            while (true) {
                try {
                    return answer.get(poll, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (System.nanoTime() - body.lastProgress >= timeout.toNanos()) {
                        answer.cancel(true);
                        throw new HttpTimeoutException("no progress for " + timeout.toSeconds() + " s sending "
                                + request.method() + " " + request.uri().getRawPath());
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
    }

    private HttpRequest.Builder objectRequest(URI storage, String key, String query) {
        return HttpRequest.newBuilder(objectUri(storage, key, query));
    }

    private URI objectUri(URI storage, String key, String query) {
        StringBuilder path = new StringBuilder();
        for (String segment : key.split("/", -1)) {
            path.append('/').append(encode(segment));
        }
        return containerUri(storage, path.toString(), query);
    }

    private URI containerUri(URI storage, String query) {
        return containerUri(storage, "", query);
    }

    private URI containerUri(URI storage, String objectPath, String query) {
        return URI.create(storage + "/" + encode(options.container()) + objectPath + (query.isEmpty() ? "" : "?" + query));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void expect(HttpResponse<?> response, String doing, int... statuses) throws IOException {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return;
            }
        }
        String detail = response.body() instanceof String body && !body.isBlank()
                ? ": " + body.substring(0, Math.min(200, body.length())).strip() : "";
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new IOException("Swift refused " + doing + " (" + response.statusCode()
                    + "): check the user's rights on the container" + detail);
        }
        throw new IOException("Swift answered " + response.statusCode() + " " + doing + detail);
    }

    private static boolean isLargeObject(HttpResponse<?> head) {
        return head.headers().firstValue("X-Static-Large-Object").map(Boolean::parseBoolean).orElse(false);
    }

    private static boolean isEmptyContent(Digest digest) {
        return digest.equals(digest.algorithm().newDigester().finish());
    }

    private static IllegalStateException beyondEnd(UploadId upload, long offset, long size) {
        return new IllegalStateException("offset " + offset + " is beyond the " + size + " bytes of upload " + upload);
    }

    private static void pause(Duration duration) throws IOException {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static InputStream failing(IOException e) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw e;
            }
        };
    }

    private static SSLContext trustingEveryone() {
        // insecureskipverify: the operator chose to trust any certificate and host name
        TrustManager trustAll = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    /** Builds a request against the current storage URL (which a new token may change). */
    @FunctionalInterface
    private interface Request {
        HttpRequest.Builder build(URI storageUrl);
    }

    private record Segment(long offset, long bytes) {
        long end() {
            return offset + bytes;
        }
    }

    /** At most {@code limit} bytes of {@code in}, counted; closing it leaves {@code in} open. */
    private static final class CountingStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private volatile long count;
        /** {@link System#nanoTime()} of the last byte read, or of the start. */
        private volatile long lastProgress = System.nanoTime();

        CountingStream(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            if (count >= limit) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                count++;
                lastProgress = System.nanoTime();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (count >= limit) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, limit - count));
            if (n > 0) {
                count += n;
                lastProgress = System.nanoTime();
            }
            return n;
        }

        @Override
        public void close() {
            // the caller's stream goes on into the next segment
        }
    }

    /** A response body that must have exactly {@code length} bytes: a short one is an error, not an end. */
    private static final class ExactStream extends FilterInputStream {
        private final String key;
        private long remaining;

        ExactStream(InputStream in, long length, String key) {
            super(in);
            this.remaining = length;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException(key + " ended " + remaining + " bytes early");
            }
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }
    }
}
