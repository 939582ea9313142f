package dev.berth.adapters.http.security;

import dev.berth.adapters.http.tls.TrustedAuthorities;

import javax.net.ssl.SSLParameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The keys of an external issuer's JWK set published at an HTTPS URL ({@code auth.token.jwks:
 * https://…/.well-known/jwks.json}). Fetched over TLS 1.2 or 1.3, trusting the JVM's certificate
 * authorities and those of an optional PEM bundle, with a {@link #CONNECT_TIMEOUT} and a
 * {@link #TIMEOUT} for the whole answer, at most {@link #MAX_BYTES}, no redirects.
 *
 * <p>The keys are cached. They are fetched again when a token names a {@code kid} the set lacks (a
 * rotation), at most once per {@link #MIN_INTERVAL} so that a flood of bad tokens cannot make Berth
 * hammer the issuer, and in the background once they are older than {@link #MAX_AGE} (a key the
 * issuer withdrew stops being trusted). A failed fetch keeps the last good keys and is logged once
 * until a fetch succeeds again. Until a first fetch succeeds there are no keys, and the issuer's
 * tokens are refused.
 */
public final class RemoteJwks {

    private static final Logger LOG = Logger.getLogger(RemoteJwks.class.getName());
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
    static final Duration MAX_AGE = Duration.ofMinutes(15);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_BYTES = 1024 * 1024;

    /** What the last good fetch gave. */
    private record Fetched(List<ExternalTokenVerifier.TrustedKey> keys, Instant at) {
    }

    private final URI url;
    private final HttpClient client;
    private final Clock clock;
    private final Executor background;
    private final ReentrantLock fetching = new ReentrantLock();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Fetched current = new Fetched(List.of(), Instant.MIN);
    /** When a token last made Berth fetch: those fetches are rate-limited. */
    private volatile Instant lastTokenFetch = Instant.MIN;
    private volatile Instant lastAttempt = Instant.MIN;
    /** Fetches finished: a token that waited for one needs no other. */
    private volatile long attempts;
    private volatile boolean failing;

    /**
     * @param url      {@code https://} (the configuration allows plain {@code http://} on loopback only)
     * @param caBundle PEM certificates of authorities trusted for the URL's certificate besides the JVM's
     * @throws IllegalArgumentException for a URL that is not http(s), or a bundle that cannot be read
     */
    public RemoteJwks(URI url, Optional<Path> caBundle, Clock clock) {
        this(url, caBundle, clock, task -> Thread.ofVirtual().name("berth-jwks-fetch").start(task));
    }

    RemoteJwks(URI url, Optional<Path> caBundle, Clock clock, Executor background) {
        if (url.getScheme() == null || !url.getScheme().toLowerCase(Locale.ROOT).matches("https?")) {
            throw new IllegalArgumentException("auth.token.jwks: " + url + " is not an https:// URL");
        }
        this.url = url;
        this.clock = clock;
        this.background = background;
        SSLParameters tls = new SSLParameters();
        tls.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .sslContext(TrustedAuthorities.jvmAnd(caBundle, "auth.token.jwkscabundle"))
                .sslParameters(tls)
                .build();
    }

    public URI url() {
        return url;
    }

    /** Fetches the keys in the background: start-up does not wait for (or fail with) the issuer. */
    public void start() {
        refreshInBackground();
    }

    /** The keys as last fetched; empty until a fetch succeeded. Starts a refresh when they are old. */
    List<ExternalTokenVerifier.TrustedKey> keys() {
        Fetched fetched = current;
        Instant now = clock.instant();
        if (now.isAfter(fetched.at().plus(MAX_AGE)) && !now.isBefore(lastAttempt.plus(MIN_INTERVAL))) {
            refreshInBackground();
        }
        return fetched.keys();
    }

    private void refreshInBackground() {
        if (refreshing.compareAndSet(false, true)) {
            try {
                background.execute(() -> {
                    try {
                        fetchNow();
                    } finally {
                        refreshing.set(false);
                    }
                });
            } catch (RuntimeException e) {
                refreshing.set(false);
                throw e;
            }
        }
    }

    /**
     * A token names a key the cached set lacks: fetch again, unless a token made Berth fetch less
     * than {@link #MIN_INTERVAL} ago. Waits for a fetch already under way, so that the keys it
     * brings serve the token too.
     */
    void refreshForToken() {
        long before = attempts;
        fetching.lock();
        try {
            if (attempts != before) {
                return; // a fetch ended while this token waited: its keys are the newest there are
            }
            Instant now = clock.instant();
            if (now.isBefore(lastTokenFetch.plus(MIN_INTERVAL))) {
                return;
            }
            lastTokenFetch = now;
            fetchNow();
        } finally {
            fetching.unlock();
        }
    }

    private void fetchNow() {
        fetching.lock();
        try {
            lastAttempt = clock.instant();
            List<ExternalTokenVerifier.TrustedKey> keys = ExternalTokenVerifier.jwks(download(), url.toString());
            Fetched before = current;
            current = new Fetched(keys, clock.instant());
            if (failing || !kids(before.keys()).equals(kids(keys))) {
                LOG.info(() -> "Fetched " + keys.size() + " key(s) of the external token issuer from " + url
                        + " (kid " + kids(keys) + ")");
            }
            failing = false;
        } catch (IOException | RuntimeException e) {
            // logged once until a fetch succeeds again: the issuer being down must not flood the log
            Level level = failing ? Level.FINE : Level.WARNING;
            failing = true;
            LOG.log(level, () -> "Cannot fetch the external token issuer's keys from " + url + ": " + e.getMessage()
                    + (current.keys().isEmpty() ? "; its tokens are refused until a fetch succeeds"
                    : "; the " + current.keys().size() + " key(s) fetched before stay trusted")
                    + " (Berth tries again when a token names an unknown key, at most once a minute)");
        } finally {
            attempts++;
            fetching.unlock();
        }
    }

    private static String kids(List<ExternalTokenVerifier.TrustedKey> keys) {
        return keys.stream().map(k -> k.kid().orElse("-")).sorted().collect(Collectors.joining(", "));
    }

    private String download() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Accept", "application/json").GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request, info -> new Limited(MAX_BYTES));
        try {
            // the timeout covers the whole answer, body included: a trickling server cannot hold a request
            HttpResponse<byte[]> response = answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            return new String(response.body(), StandardCharsets.UTF_8);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException("no complete answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A body of at most {@code max} bytes; a longer one fails (and the connection is dropped). */
    private static final class Limited implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Limited(int max) {
            this.max = max;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if (bytes.size() + buffer.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("larger than " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }
    }
}
